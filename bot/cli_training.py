"""Trainer subcommands of `policybot` (registered by bot/cli.py's build_parser via add_commands):

    policybot quiz [--city C] [--role R] [--part P] [-n N] [--user NAME] [--seed S]
    policybot duties ROLE [--city C] [--html FILE] [--ics FILE]
    policybot compare N [--cities 烟台,招远]
    policybot outline DOC

All accept --corpus DIR and --config FILE like `ask`. A lookup that fails (unknown city, role, part,
document, article) prints one line on stderr and exits with 1.
"""
from __future__ import annotations

import getpass
import random
import re
import sys
import unicodedata
from pathlib import Path

from retrieval.training import (TrainingError, compare_article, duties, duties_html, duties_ics, outline_text,
                                quiz_questions)

DEFAULT_DATABASE = Path("data/policybot.sqlite3")
_CHOICES = {"1": 0, "2": 1, "3": 2, "4": 3, "A": 0, "B": 1, "C": 2, "D": 3}
_QUIT = {"Q", "QUIT", "EXIT", "退出", "结束"}


def _engine(args):
    from .cli import _load_engine  # imported here: bot.cli imports this module while building its parser

    return _load_engine(args)


def _fail(command: str, message: str, code: int = 1) -> int:
    print(f"policybot {command}: {message}", file=sys.stderr)
    return code


def _database(args) -> Path:
    if getattr(args, "config", None):
        from .config import load_config

        return load_config(args.config).database
    return DEFAULT_DATABASE


def _where(c) -> str:
    art = f"{c.label}{c.heading}".strip()
    return f"《{c.title}》（{c.doc_number}）" + "，".join(x for x in (c.part, art) if x)


def parse_choice(text: str) -> int | None | str:
    """'2', 'b', 'Ｂ', 'B.' → 1; 'q' → 'quit'; anything else → None."""
    t = unicodedata.normalize("NFKC", text).strip().upper().rstrip(".、)）")
    if t in _QUIT:
        return "quit"
    return _CHOICES.get(t)


# ---- quiz -----------------------------------------------------------------------------------

def cmd_quiz(args) -> int:
    from .store import Store, StoreError

    if args.n < 1:
        return _fail("quiz", "-n must be at least 1", 2)
    engine = _engine(args)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    try:
        questions = quiz_questions(engine, city=args.city, role=args.role, part=args.part, seed=seed)
    except TrainingError as exc:
        return _fail("quiz", str(exc))
    if not questions:
        return _fail("quiz", "没有符合这些条件的题目。")
    user = f"cli:{args.user}"
    try:
        store = Store(_database(args))
        done = store.answered_questions(user)
    except StoreError as exc:
        return _fail("quiz", str(exc), 2)
    # Questions this user has not answered yet come first; the order within each group is the seed's.
    questions = sorted(questions, key=lambda q: q.id in done)[: args.n]
    out = sys.stdout
    right = asked = 0
    try:
        for k, q in enumerate(questions, 1):
            out.write(f"\n第{k}/{len(questions)}题　{q.prompt}\n")
            for i, option in enumerate(q.options):
                out.write(f"  {'ABCD'[i]}. {option}\n")
            choice = None
            while choice is None:
                out.write("你的答案（1-4 或 A-D，q 结束）：")
                out.flush()
                line = sys.stdin.readline()
                if not line:
                    out.write("\n")
                    raise EOFError
                choice = parse_choice(line)
                if choice is None:
                    out.write(f"“{line.strip()[:20]}”不是选项，请输入 1-4 或 A-D（q 结束）。\n")
            if choice == "quit":
                break
            asked += 1
            correct = q.is_correct(choice)
            right += correct
            store.record_quiz_answer(user, q.id, correct)
            mark = "✓ 答对了" if correct else f"✗ 答错了，正确答案是 {'ABCD'[q.answer_index]}. {q.answer}"
            out.write(f"{mark}。\n依据：{_where(q.citation)}\n原文：“{q.citation.quote}”\n")
    except EOFError:
        pass
    total_right, total = store.quiz_score(user)
    out.write(f"\n本轮答对 {right}/{asked} 题。{args.user} 累计答对 {total_right}/{total} 题。\n")
    store.close()
    return 0


# ---- duties, compare, outline ---------------------------------------------------------------

def cmd_duties(args) -> int:
    engine = _engine(args)
    try:
        dl = duties(engine, args.role, city=args.city)
    except TrainingError as exc:
        return _fail("duties", str(exc))
    print(dl.to_text())
    try:
        if args.html:
            Path(args.html).write_text(duties_html(dl), encoding="utf-8")
            print(f"\n打印页已写入 {args.html}")
        if args.ics:
            Path(args.ics).write_bytes(duties_ics(dl))
            print(f"日历文件已写入 {args.ics}（可导入日历，每项职责是一个按周期重复的全天事件）")
    except OSError as exc:
        return _fail("duties", f"cannot write {exc.filename}: {exc.strerror}", 2)
    return 0


def cmd_compare(args) -> int:
    engine = _engine(args)
    known = list(dict.fromkeys(d.city for d in engine.documents if d.city))
    cities = [c for c in re.split(r"[,，、\s]+", args.cities or "") if c] or known[:2]
    if len(known) > 2 and not args.cities:
        return _fail("compare", f"请用 --cities 指定两个城市（已收录：{'、'.join(known)}）。", 2)
    try:
        comparison = compare_article(engine, args.number, cities)
    except TrainingError as exc:
        return _fail("compare", str(exc))
    print(comparison.to_text())
    return 0


def cmd_outline(args) -> int:
    engine = _engine(args)
    try:
        print(outline_text(engine, " ".join(args.doc)))
    except TrainingError as exc:
        return _fail("outline", str(exc))
    return 0


def _article_number(text: str) -> int:
    from retrieval.text import cn_to_int

    t = unicodedata.normalize("NFKC", text).strip().removeprefix("第").removesuffix("条").rstrip(".")
    n = cn_to_int(t)
    if n is None or n < 1:
        import argparse

        raise argparse.ArgumentTypeError(f"not an article number: {text!r} (e.g. 13 or 第十三条)")
    return n


def _common(p) -> None:
    p.add_argument("--corpus", help="corpus folder (default: the bundled corpus)")
    p.add_argument("--config", help="config file (its `corpus` and `database` keys are used)")


def add_commands(sub) -> None:
    quiz = sub.add_parser("quiz", help="interactive quiz on the documents' obligations (score kept per user)")
    quiz.add_argument("--city", help="only this city's documents, e.g. 招远")
    quiz.add_argument("--role", help="only this role's obligations, e.g. 市政府领导班子成员")
    quiz.add_argument("--part", help="only this part of the document: 三, or words of the part's title")
    quiz.add_argument("-n", type=int, default=5, help="how many questions (default 5)")
    quiz.add_argument("--user", default=_default_user(), help="whose score to keep (default: your login name)")
    quiz.add_argument("--seed", type=int, help="same seed, same questions in the same order")
    _common(quiz)
    quiz.set_defaults(func=cmd_quiz)

    dut = sub.add_parser("duties", help="a role's periodic duties by period, as text, printable HTML or .ics")
    dut.add_argument("role", help="the role as the documents name it, e.g. 市政府领导班子成员")
    dut.add_argument("--city", help="only this city's documents, e.g. 烟台")
    dut.add_argument("--html", metavar="FILE", help="also write a printable page")
    dut.add_argument("--ics", metavar="FILE", help="also write an iCalendar file with recurring events")
    _common(dut)
    dut.set_defaults(func=cmd_duties)

    cmp_ = sub.add_parser("compare", help="one article across two cities' documents, differences marked")
    cmp_.add_argument("number", type=_article_number, help="article number, e.g. 14")
    cmp_.add_argument("--cities", help="two cities, e.g. 烟台,招远 (default: the two in the corpus)")
    _common(cmp_)
    cmp_.set_defaults(func=cmd_compare)

    out = sub.add_parser("outline", help="a document's parts and article headings")
    out.add_argument("doc", nargs="+", help="文号, city, or title, e.g. 招远 or 烟政发〔2022〕8号")
    _common(out)
    out.set_defaults(func=cmd_outline)


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "cli"
