"""`policybot quiz / duties / compare / outline`: training on the documents from the command line.

    policybot quiz [--city C] [--role R] [--part P] [-n N] [--user NAME] [--seed S]
    policybot duties ROLE [--city C] [--html FILE] [--ics FILE]
    policybot compare N [--cities A,B]
    policybot outline DOC

All accept --corpus DIR and --config FILE like `ask`. A lookup that fails (unknown city, role, part,
document, article) prints one line on stderr and exits with 1.
"""
from __future__ import annotations

import argparse
import getpass
import random
import re
import sys
import unicodedata
from pathlib import Path

from retrieval.comparison import compare_article
from retrieval.duties import duties
from retrieval.duties_export import duties_html, duties_ics
from retrieval.outline import outline_text
from retrieval.quiz import quiz_questions, spread
from retrieval.roles import ScopeError
from retrieval.text import cn_to_int
from retrieval.models import document_name

from .common import add_corpus_options, database, fail, load_engine

_CHOICES = {"1": 0, "2": 1, "3": 2, "4": 3, "A": 0, "B": 1, "C": 2, "D": 3}
_QUIT = {"Q", "QUIT", "EXIT", "退出", "结束"}


def _where(c) -> str:
    art = f"{c.label}{c.heading}".strip()
    return document_name(c.title, c.doc_number) + "，".join(x for x in (c.part, art) if x)


def parse_choice(text: str) -> int | None | str:
    """'2', 'b', 'Ｂ', 'B.' → 1; 'q' → 'quit'; anything else → None."""
    t = unicodedata.normalize("NFKC", text).strip().upper().rstrip(".、)）")
    if t in _QUIT:
        return "quit"
    return _CHOICES.get(t)


# ---- quiz -----------------------------------------------------------------------------------

def _read_choice(out) -> int | str:
    """The user's answer to one question; EOFError when standard input ends."""
    while True:
        out.write("你的答案（1-4 或 A-D，q 结束）：")
        out.flush()
        line = sys.stdin.readline()
        if not line:
            out.write("\n")
            raise EOFError
        choice = parse_choice(line)
        if choice is not None:
            return choice
        out.write(f"“{line.strip()[:20]}”不是选项，请输入 1-4 或 A-D（q 结束）。\n")


def _quiz_round(questions, store, user: str, out) -> tuple[int, int]:
    """Ask until the questions or standard input run out, or the user quits: (right, asked)."""
    right = asked = 0
    try:
        for k, q in enumerate(questions, 1):
            out.write(f"\n第{k}/{len(questions)}题　{q.prompt}\n")
            for i, option in enumerate(q.options):
                out.write(f"  {'ABCD'[i]}. {option}\n")
            choice = _read_choice(out)
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
    return right, asked


def cmd_quiz(args) -> int:
    from bot.store import Store, StoreError

    if args.n < 1:
        return fail("quiz", "-n 至少为 1", 2)
    engine = load_engine(args)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    try:
        questions = quiz_questions(engine, city=args.city, role=args.role, part=args.part, seed=seed)
    except ScopeError as exc:
        return fail("quiz", str(exc))
    if not questions:
        return fail("quiz", "没有符合这些条件的题目。")
    user = f"cli:{args.user}"
    try:
        store = Store(database(args))
        done = store.answered_questions(user)
    except StoreError as exc:
        return fail("quiz", str(exc), 2)
    # Questions this user has not answered yet come first; the order within each group is the seed's.
    available = len(questions)
    questions = spread(sorted(questions, key=lambda q: q.id in done)[: args.n])
    if available < args.n:
        sys.stdout.write(f"只有{available}道题符合这些条件（文件里有周期、次数、期限、比例或日期的条款才能出题），"
                         f"本轮出{available}道。\n")
    right, asked = _quiz_round(questions, store, user, sys.stdout)
    total_right, total = store.quiz_score(user)
    sys.stdout.write(f"\n本轮答对 {right}/{asked} 题。{args.user} 累计答对 {total_right}/{total} 题。\n")
    store.close()
    return 0


# ---- duties, compare, outline ---------------------------------------------------------------

def cmd_duties(args) -> int:
    engine = load_engine(args)
    try:
        dl = duties(engine, args.role, city=args.city)
    except ScopeError as exc:
        return fail("duties", str(exc))
    print(dl.to_text())
    try:
        if args.html:
            Path(args.html).write_text(duties_html(dl), encoding="utf-8")
            print(f"\n打印页已写入 {args.html}")
        if args.ics:
            Path(args.ics).write_bytes(duties_ics(dl))
            print(f"日历文件已写入 {args.ics}（可导入日历，每项职责是一个按周期重复的全天事件）")
    except OSError as exc:
        return fail("duties", f"无法写入 {exc.filename}：{exc.strerror}", 2)
    return 0


def cmd_compare(args) -> int:
    engine = load_engine(args)
    known = list(dict.fromkeys(d.city for d in engine.documents if d.city))
    cities = [c for c in re.split(r"[,，、\s]+", args.cities or "") if c] or known[:2]
    if len(known) > 2 and not args.cities:
        return fail("compare", f"请用 --cities 指定两个城市（已收录：{'、'.join(known)}）。", 2)
    try:
        comparison = compare_article(engine, args.number, cities)
    except ScopeError as exc:
        return fail("compare", str(exc))
    print(comparison.to_text())
    return 0


def cmd_outline(args) -> int:
    engine = load_engine(args)
    try:
        print(outline_text(engine, " ".join(args.doc)))
    except ScopeError as exc:
        return fail("outline", str(exc))
    return 0


def _article_number(text: str) -> int:
    t = unicodedata.normalize("NFKC", text).strip().removeprefix("第").removesuffix("条").rstrip(".")
    n = cn_to_int(t)
    if n is None or n < 1:
        raise argparse.ArgumentTypeError(f"“{text}”不是条号（例如 13 或 第十三条）")
    return n


def _default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "cli"


def add_commands(sub) -> None:
    quiz = sub.add_parser("quiz", help="就文件规定的职责答题（按用户记分）")
    quiz.add_argument("--city", metavar="城市", help="只出这个城市文件的题")
    quiz.add_argument("--role", metavar="角色", help="只出这个角色的职责题")
    quiz.add_argument("--part", metavar="部分", help="只出文件这一部分的题：部分的序号（如 三）或标题里的词")
    quiz.add_argument("-n", type=int, metavar="题数", default=5, help="题数（默认 5）")
    quiz.add_argument("--user", metavar="用户", default=_default_user(), help="为谁记分（默认：当前登录名）")
    quiz.add_argument("--seed", type=int, metavar="种子", help="相同的种子给出相同的题目和顺序")
    add_corpus_options(quiz)
    quiz.set_defaults(func=cmd_quiz)

    dut = sub.add_parser("duties", help="一个角色的周期性职责，按周期列出；可输出文本、打印页或 .ics 日历")
    dut.add_argument("role", metavar="角色", help="文件中写的角色名称")
    dut.add_argument("--city", metavar="城市", help="只看这个城市的文件")
    dut.add_argument("--html", metavar="文件", help="同时写出可打印的网页")
    dut.add_argument("--ics", metavar="文件", help="同时写出按周期重复事件的 iCalendar 文件")
    add_corpus_options(dut)
    dut.set_defaults(func=cmd_duties)

    cmp_ = sub.add_parser("compare", help="比较两个城市文件中的同一条，标出不同之处")
    cmp_.add_argument("number", type=_article_number, metavar="条号", help="条号，例如 14 或 第十四条")
    cmp_.add_argument("--cities", metavar="城市", help="两个城市，用逗号分隔（默认：语料中的两个城市）")
    add_corpus_options(cmp_)
    cmp_.set_defaults(func=cmd_compare)

    out = sub.add_parser("outline", help="一份文件的各部分和条款标题")
    out.add_argument("doc", nargs="+", metavar="文件", help="文号、城市或标题")
    add_corpus_options(out)
    out.set_defaults(func=cmd_outline)
