"""config.yaml → Config. Every key is documented in config.example.yaml; errors are one clear line."""
from __future__ import annotations

import os
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
    admins = _expect(tg.get("admins") or [], list, "telegram.admins")
    try:
        cfg.admins = [int(a) for a in admins]
    except (TypeError, ValueError):
        raise ConfigError("config: 'telegram.admins' must be a list of numeric Telegram user ids") from None
    if tg.get("webhook"):
        wh = _expect(tg["webhook"], dict, "telegram.webhook")
        if not wh.get("url"):
            raise ConfigError("config: 'telegram.webhook.url' is required for webhook mode")
        try:
            port = int(wh.get("port", 8443))
        except (TypeError, ValueError):
            raise ConfigError("config: 'telegram.webhook.port' must be a number") from None
        cfg.webhook = Webhook(url=str(wh["url"]), listen=str(wh.get("listen", "127.0.0.1")), port=port,
                              secret_token=wh.get("secret_token"), url_path=str(wh.get("url_path", "")))
    if data.get("database") is not None:
        cfg.database = base / _expect(data["database"], str, "database")
    if data.get("corpus") is not None:
        cfg.corpus = base / _expect(data["corpus"], str, "corpus")
    if data.get("rate_limit_per_minute") is not None:
        cfg.rate_limit_per_minute = int(_expect(data["rate_limit_per_minute"], int, "rate_limit_per_minute"))
    return cfg
