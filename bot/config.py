"""config.yaml → Config. Every key is documented in config.example.yaml; errors are one clear line."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_BASE_URL = "https://api.telegram.org/bot"


class ConfigError(Exception):
    pass


@dataclass
class Webhook:
    url: str  # public https URL Telegram posts to
    listen: str = "127.0.0.1"
    port: int = 8443
    secret_token: str | None = None
    url_path: str = ""


@dataclass
class Config:
    token: str | None = None
    base_url: str = DEFAULT_BASE_URL
    admins: list[int] = field(default_factory=list)
    webhook: Webhook | None = None
    database: Path = Path("data/policybot.sqlite3")
    corpus: Path | None = None  # None: the bundled corpus
    rate_limit_per_minute: int = 20  # questions one user may ask per minute
    source: Path | None = None  # the file this came from


def _expect(value, types, where: str):
    if not isinstance(value, types):
        names = " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))
        raise ConfigError(f"config: '{where}' must be {names}, not {type(value).__name__}")
    return value


def _whole(value, where: str, low: int, high: int) -> int:
    """A whole number in [low, high]; True/False and "8443" are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"config: '{where}' must be a whole number from {low} to {high}, not {value!r}")
    return value


def _user_id(value) -> int:
    """A Telegram user id as digits (ASCII only: int() would take "٤٢" or " 42 " as 42)."""
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not re.fullmatch(r"-?[1-9][0-9]{0,19}", text):
        raise ConfigError(f"config: 'telegram.admins' must be a list of numeric Telegram user ids, not {value!r}")
    return int(text)


def load_config(path: str | Path | None, env: dict | None = None) -> Config:
    """Read a config file (None: defaults only). POLICYBOT_TOKEN in the environment overrides the token."""
    env = os.environ if env is None else env
    data: dict = {}
    cfg = Config()
    if path is not None:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from None
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark else ""
            raise ConfigError(f"config file {path} is not valid YAML{where}") from None
        _expect(data, dict, "the top level")
        cfg.source = path
        base = path.parent
    else:
        base = Path.cwd()
    known = {"telegram", "database", "corpus", "rate_limit_per_minute"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"config: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    tg = _expect(data.get("telegram") or {}, dict, "telegram")
    unknown = sorted(set(tg) - {"token", "base_url", "admins", "webhook"})
    if unknown:
        raise ConfigError(f"config: unknown key(s) telegram.{', telegram.'.join(unknown)}")
    if tg.get("token") is not None:
        cfg.token = str(tg["token"]).strip() or None
    if env.get("POLICYBOT_TOKEN"):
        cfg.token = env["POLICYBOT_TOKEN"].strip()
    if tg.get("base_url") is not None:
        cfg.base_url = _expect(tg["base_url"], str, "telegram.base_url")
    cfg.admins = [_user_id(a) for a in _expect(tg.get("admins") or [], list, "telegram.admins")]
    if tg.get("webhook"):
        wh = _expect(tg["webhook"], dict, "telegram.webhook")
        unknown = sorted(set(wh) - {"url", "listen", "port", "secret_token", "url_path"})
        if unknown:
            raise ConfigError(f"config: unknown key(s) telegram.webhook.{', telegram.webhook.'.join(unknown)}")
        if not wh.get("url"):
            raise ConfigError("config: 'telegram.webhook.url' is required for webhook mode")
        secret = wh.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ConfigError("config: 'telegram.webhook.secret_token' must be 1-256 characters of A-Z, a-z, 0-9, _ "
                              "and - (what Telegram accepts)")
        cfg.webhook = Webhook(url=str(wh["url"]), listen=str(wh.get("listen", "127.0.0.1")),
                              port=_whole(wh.get("port", 8443), "telegram.webhook.port", 1, 65535),
                              secret_token=None if secret is None else str(secret),
                              url_path=str(wh.get("url_path", "")))
    if data.get("database") is not None:
        cfg.database = base / _expect(data["database"], str, "database")
    if data.get("corpus") is not None:
        cfg.corpus = base / _expect(data["corpus"], str, "corpus")
    if data.get("rate_limit_per_minute") is not None:
        cfg.rate_limit_per_minute = _whole(data["rate_limit_per_minute"], "rate_limit_per_minute", 0, 10_000)
    return cfg
