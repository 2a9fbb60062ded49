"""`policybot`: the entry point. Every subcommand is a thin call into retrieval/ (or bot/ for `serve`).

    policybot ask QUESTION [--json] [--city C] [--role R] [--top K] [--corpus DIR] [--config FILE]
    policybot ask --jsonl [...]          one JSON question per stdin line → one JSON answer per line
    policybot serve --config FILE        the Telegram bot
    policybot ingest PATH... / docs / remove 文号   (maintainers)
    policybot quiz / duties ROLE / compare N / outline DOC
    policybot review [--since DATE] --csv FILE   unanswered and 👎 questions from the bot's database
"""
from __future__ import annotations

import os
import sys

from bot.config import ConfigError, load_config
from retrieval.corpus import CorpusError

from . import ask, corpus, review, training
from .chinese_argparse import ChineseArgumentParser
from .common import fail

PLACEHOLDER_TOKEN = "replace-me"  # what config.example.yaml holds until a maintainer pastes a real token


def cmd_serve(args) -> int:
    config = load_config(args.config)
    if not config.token or PLACEHOLDER_TOKEN in config.token:
        where = f"{config.source} 的 telegram.token" if config.source else "配置文件的 telegram.token"
        return fail("serve", f"没有设置 Telegram 机器人令牌：请在 {where} 中填入从 @BotFather 获得的令牌，"
                             "或设置环境变量 POLICYBOT_TOKEN", 2)
    from bot.app import run  # the Telegram stack loads only for the bot

    return run(config)


def build_parser() -> ChineseArgumentParser:
    p = ChineseArgumentParser(prog="policybot", description="回答关于政策文件的问题，并给出依据的条款。")
    sub = p.add_subparsers(dest="command", metavar="命令", title="命令",
                         help="policybot 命令 --help 查看该命令的用法")
    ask.add_command(sub)
    serve = sub.add_parser("serve", help="运行 Telegram 机器人", description="运行 Telegram 机器人。")
    serve.add_argument("--config", required=True, help="配置文件（见 config.example.yaml）")
    serve.set_defaults(func=cmd_serve)
    training.add_commands(sub)
    corpus.add_commands(sub)
    review.add_command(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except (ConfigError, CorpusError) as exc:
        print(f"policybot：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a user gets one line, a developer sets POLICYBOT_DEBUG
        if os.environ.get("POLICYBOT_DEBUG"):
            raise
        print(f"policybot：意外错误（{type(exc).__name__}: {exc}）；设置 POLICYBOT_DEBUG=1 再运行可查看详情",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
