"""What every `policybot` command shares: where the corpus and the database are, loading the engine,
and how a command reports an error (one line on stderr, a non-zero exit status)."""
from __future__ import annotations

import sys
from pathlib import Path

from bot.config import load_config

DEFAULT_DATABASE = Path("data/policybot.sqlite3")


def corpus_dir(args) -> Path | None:
    """--corpus wins over the config's `corpus`; neither means the bundled corpus."""
    if getattr(args, "corpus", None):
        return Path(args.corpus)
    if getattr(args, "config", None):
        return load_config(args.config).corpus
    return None


def load_engine(args):
    from retrieval.engine import Engine  # loaded here: `policybot --help` does not need jieba and the index

    return Engine.load(corpus_dir(args))


def database(args) -> Path:
    """The config's `database`, or data/policybot.sqlite3 under the working folder."""
    if getattr(args, "config", None):
        return load_config(args.config).database
    return DEFAULT_DATABASE


def fail(command: str, message: str, code: int = 1) -> int:
    print(f"policybot {command}：{message}", file=sys.stderr)
    return code


def add_corpus_options(p, config_help: str = "配置文件（使用其中的 corpus 和 database）") -> None:
    p.add_argument("--corpus", metavar="文件夹", help="语料文件夹（默认：随附的语料）")
    p.add_argument("--config", metavar="文件", help=config_help)
