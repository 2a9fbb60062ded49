"""`policybot` command line. Every subcommand is a thin call into retrieval/ or bot/.

    policybot ask QUESTION [--json] [--city C] [--role R] [--top K] [--corpus DIR] [--config FILE]
    policybot ask --jsonl [...]          one JSON question per stdin line → one JSON answer per line
    policybot serve --config FILE        the Telegram bot
    policybot ingest PATH... / docs / remove 文号   (maintainers)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from retrieval.corpus import CorpusError

from .config import ConfigError, load_config


def _corpus_dir(args) -> Path | None:
    """--corpus wins over the config's `corpus`; neither means the bundled corpus."""
    if getattr(args, "corpus", None):
        return Path(args.corpus)
    if getattr(args, "config", None):
        return load_config(args.config).corpus
    return None


def _load_engine(args):
    from retrieval.engine import Engine

    return Engine.load(_corpus_dir(args))


def _question_from(obj) -> tuple[dict | None, str | None]:
    """A --jsonl line's object → (question fields, None) or (None, error)."""
    if not isinstance(obj, dict):
        return None, "each line must be a JSON object like {\"q\": \"…\", \"city\": null}"
    q = obj.get("q")
    if not isinstance(q, str):
        return None, "'q' must be a string"
    fields = {"q": q}
    for key in ("city", "role"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            return None, f"'{key}' must be a string or null"
        fields[key] = value
    top = obj.get("top")
    if top is not None and (not isinstance(top, int) or isinstance(top, bool) or top < 1):
        return None, "'top' must be a positive integer"
    fields["top"] = top
    return fields, None


def cmd_ask(args) -> int:
    engine = _load_engine(args)
    if args.jsonl:
        out = sys.stdout
        for line in sys.stdin:
            line = line.rstrip("\n")
            try:
                obj = json.loads(line)
            except ValueError:
                result = {"error": "not valid JSON: send one object per line, like {\"q\": \"…\"}"}
            else:
                fields, error = _question_from(obj)
                if error:
                    result = {"error": error}
                else:
                    answer = engine.ask(fields["q"], city=fields["city"] or args.city,
                                        role=fields["role"] or args.role, top=fields["top"] or args.top)
                    result = answer.to_dict()
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            out.flush()
        return 0
    if not args.question:
        print("policybot ask: give a question, or --jsonl to read questions from standard input", file=sys.stderr)
        return 2
    answer = engine.ask(" ".join(args.question), city=args.city, role=args.role, top=args.top)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(answer.answer)
        if len(answer.citations) > answer.primary and answer.answered:
            print("\n相关条款：")
            for c in answer.citations[answer.primary:]:
                print(f"  《{c.title}》（{c.doc_number}）{c.label}{c.heading}")
    return 0


def cmd_serve(args) -> int:
    from .app import run

    return run(load_config(args.config))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="policybot", description="Answers questions about policy documents "
                                "with the clause that governs them.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    ask = sub.add_parser("ask", help="answer a question (or --jsonl: one JSON question per line)")
    ask.add_argument("question", nargs="*", help="the question, e.g. 市政府领导多久接听一次热线？")
    fmt = ask.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    fmt.add_argument("--jsonl", action="store_true", help="read JSON questions from stdin, one per line")
    ask.add_argument("--city", help="the asker's city, e.g. 招远")
    ask.add_argument("--role", help="the asker's role, e.g. 热点部门主要负责人")
    ask.add_argument("--top", type=int, default=3, help="how many citations to return (default 3)")
    ask.add_argument("--corpus", help="corpus folder (default: the bundled corpus)")
    ask.add_argument("--config", help="config file whose `corpus` key names the corpus")
    ask.set_defaults(func=cmd_ask)

    serve = sub.add_parser("serve", help="run the Telegram bot")
    serve.add_argument("--config", required=True, help="config file (see config.example.yaml)")
    serve.set_defaults(func=cmd_serve)

    __import__("bot.cli_training", fromlist=["add_commands"]).add_commands(sub)  # quiz, duties, compare, outline
    _add_maintainer_commands(sub)
    return p


def _add_maintainer_commands(sub) -> None:
    """ingest / docs / remove live in retrieval.ingest; registered only once it exists."""
    try:
        from retrieval import ingest
    except ImportError:
        return
    ingest.add_commands(sub)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except (ConfigError, CorpusError) as exc:
        print(f"policybot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - a user gets one line, a developer sets POLICYBOT_DEBUG
        if os.environ.get("POLICYBOT_DEBUG"):
            raise
        print(f"policybot: unexpected error ({type(exc).__name__}: {exc}); "
              "run again with POLICYBOT_DEBUG=1 for details", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
