"""`policybot ingest / docs / remove`: maintainers add, list and remove documents without touching code.
The work is retrieval.ingest (plan → check → commit) and retrieval.catalog; this module parses the
options and prints their reports in Chinese."""
from __future__ import annotations

import sys
from pathlib import Path

from retrieval.catalog import Listing, Removal, list_documents, remove_documents
from retrieval.ingest import IngestError, IngestOptions, IngestReport, Plan, ingest, kept_where
from retrieval.text import truncate

from .common import fail

_STATUS = {"new": "新增", "updated": "更新", "unchanged": "未变"}
_KIND = {"text": "纯文本", "markdown": "Markdown 文本", "html": "网页（HTML）", "docx": "Word 文件（.docx）",
         "pdf": "PDF"}
_LABELS = [("doc_number", "文号"), ("title", "标题"), ("issuer", "发文机关"), ("city", "城市"), ("level", "层级"),
           ("written", "成文日期"), ("published", "发布日期"), ("effective", "施行日期"), ("validity", "有效性"),
           ("repeals", "废止"), ("parent", "上级文件")]
_MISSING = {"doc_number": "未找到（以标题识别；--doc-number）", "issuer": "未找到（--issuer）",
            "city": "未找到：适用于各地（--city）", "level": "未找到（--level）", "written": "未找到",
            "published": "未找到", "effective": "未写明", "validity": "未写明", "repeals": "未写明",
            "parent": "未写明（--parent）"}
_PICKED_UP = "运行中的机器人会自己发现这一变化（它监视语料文件），也可以发送 /reload"


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2e80 else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


# ---- the ingest report ------------------------------------------------------------------------------

def _examples(obligations: list, n: int = 3) -> list:
    """A few obligations from different articles that show different slots (period and count, deadline…)."""
    tests = [lambda o: o.period and o.count, lambda o: o.deadline, lambda o: o.ratio or o.date,
             lambda o: o.period, lambda o: o.count]
    picked: list = []
    for test in tests:
        for o in obligations:
            if test(o) and all(o.article_index != p.article_index for p in picked):
                picked.append(o)
                break
        if len(picked) >= n:
            break
    return picked


def _metadata_lines(plan: Plan) -> list[str]:
    lines = []
    for key, name in _LABELS:
        value = getattr(plan.meta, key)
        if key == "doc_number" and not plan.has_number:
            value = None
        if value in (None, "", []):
            shown, where = "—", _MISSING.get(key, "")
        else:
            shown = "、".join(value) if isinstance(value, list) else str(value)
            where = kept_where(plan, key)
        lines.append(f"   {_pad(name, 10)} {shown}" + (f"   [{where}]" if where else ""))
    return lines


_RELATION = {"repeals": "废止", "amends": "修改", "repealed_by": "被废止", "amended_by": "被修改"}


def _relation_lines(plan: Plan) -> list[str]:
    """What the document repeals or amends and what in the corpus already repeals it, said with what
    was recorded where."""
    lines = []
    for r in plan.relations:
        if r.verb in ("repeals", "amends"):
            outcome = (f"语料中的{r.found}，已在它的元数据里记为被本文件{_RELATION[r.verb]}" if r.recorded
                       else f"语料中的{r.found}") if r.found else f"未收录；收录它时会记为被本文件{_RELATION[r.verb]}"
            lines.append(f"   {_pad('→ ' + _RELATION[r.verb], 10)} {r.ref}：{outcome}")
        else:
            lines.append(f"   {_pad('→ ' + _RELATION[r.verb], 10)} 语料中的{r.found}{_RELATION[r.verb][1:]}了这份文件，"
                         "已记入它的元数据：回答以现行文件为准")
    return lines


def _structure_lines(plan: Plan) -> tuple[list[str], list[str]]:
    """The structure, numbering and obligation lines, and the numbering warnings they showed."""
    doc = plan.doc
    articles = [a for a in doc.articles if a.kind == "article" and a.number is not None]
    other = sum(1 for a in doc.articles if a.kind == "article" and a.number is None)
    closing = any(a.kind == "closing" for a in doc.articles)
    span = f"（{articles[0].label} … {articles[-1].label}）" if articles else ""
    lines = [f"   {_pad('结构', 10)} {doc.layout}：{len(doc.parts)} 个部分，{len(articles)} 条{span}"
             + (f"，{other} 段无编号" if other else "") + ("，含施行/废止条款" if closing else "")]
    numbering = [w for w in doc.warnings if w.startswith(("duplicate", "numbering gaps", "out of order"))]
    lines.append(f"   {_pad('编号', 10)} " + ("；".join(numbering) if numbering else "无缺号、重号"))
    lines.append(f"   {_pad('义务', 10)} {len(plan.obligations)} 项" + ("，例如：" if plan.obligations else ""))
    for o in _examples(plan.obligations):
        art = next((a for a in doc.articles if a.index == o.article_index), None)
        label = (art.label or art.heading if art else "") or "施行与废止"
        lines.append(f"     {label} {truncate(o.clause, 48)}  [{' · '.join(o.slots().values())}]")
    return lines, numbering


def report_text(plan: Plan) -> str:
    """Everything found in one document, with where each value came from."""
    m, x = plan.meta, plan.extracted
    size = plan.source.stat().st_size if plan.source.exists() else 0
    lines = [f"── {m.title}",
             f"   {_pad('文件', 10)} {plan.source}（{_KIND.get(x.kind, x.kind)}"
             f"{f'，{x.pages} 页' if x.pages else ''}，{size:,} 字节）",
             f"   {_pad('语料', 10)} documents/{m.slug}.yaml + {m.text_file}（{_STATUS[plan.status]}）"]
    lines += _metadata_lines(plan)
    lines += _relation_lines(plan)
    structure, numbering = _structure_lines(plan)
    lines += structure
    warnings = [w for w in plan.doc.warnings if w not in numbering] + plan.warnings
    if plan.kept:
        warnings.append("沿用上一版本的值：" + "、".join(plan.kept))
    lines.append(f"   {_pad('警告', 10)} " + (warnings[0] if warnings else "无"))
    lines.extend(f"              {w}" for w in warnings[1:])
    return "\n".join(lines)


def brief_line(plan: Plan) -> str:
    warn = len(plan.doc.warnings) + len(plan.warnings)
    return (f"{_STATUS[plan.status]}  {plan.ident}  {plan.articles} 条，{len(plan.obligations)} 项义务"
            f"{f'，{warn} 条警告' if warn else ''}  ← {plan.source}")


def _summary(r: IngestReport) -> str:
    s = (f"{len(r.plans)} 份文件，{r.articles} 条：新增 {r.count('new')}，更新 {r.count('updated')}，"
         f"未变 {r.count('unchanged')}")
    return s + (f"；拒收 {len(r.refused)}" if r.refused else "")


def print_ingest(r: IngestReport, brief: bool) -> None:
    for p in r.problems:
        print(f"警告：语料文件 {p}", file=sys.stderr)
    for plan in r.plans:
        print(brief_line(plan) if brief else report_text(plan))
    for refusal in r.refused:
        print(f"拒收  {refusal.source}：{refusal.reason}")
    if not brief:
        for s in r.skipped[:20]:
            print(f"跳过  {s}")
        if len(r.skipped) > 20:
            print(f"跳过  ……另有 {len(r.skipped) - 20} 个")
    if r.dry_run:
        print(f"\n试运行：{_summary(r)}。没有写入 {r.docs_dir}。")
    elif r.stopped:
        print(f"\n未写入任何文件：{len(r.refused)} 个文件被拒收（见上）。请修正或去掉它们，"
              "或加 --keep-going 先收录其余文件。")
    else:
        print(f"\n{_summary(r)} → {r.docs_dir}")
        if r.written:
            print(_PICKED_UP)
    if r.index:
        i = r.index
        print(f"索引：{i.articles} 条，{i.rebuilt} 份文件（重新）建立索引，用时 {i.seconds:.1f} 秒 → {i.path}")
    print(f"收录用时 {r.seconds:.1f} 秒")


def cmd_ingest(args) -> int:
    options = IngestOptions(
        paths=args.paths, corpus=Path(args.corpus) if args.corpus else None, city=args.city, parent=args.parent,
        level=args.level, issuer=args.issuer, title=args.title, doc_number=args.doc_number, dry_run=args.dry_run,
        keep_going=args.keep_going, progress=sys.stderr.isatty())
    try:
        report = ingest(options)
    except IngestError as exc:
        return fail("ingest", str(exc), 2)
    print_ingest(report, args.brief)
    return 1 if report.refused else 0


# ---- docs and remove --------------------------------------------------------------------------------

def print_listing(listing: Listing) -> None:
    if not listing.entries and not listing.broken:
        print(f"{listing.docs_dir} 里没有文件")
        return
    header = ("文号", "城市", "条款", "有效性")
    rows = [(e.doc_number or "—", e.city or "—", str(e.articles), e.status) for e in listing.entries]
    widths = [max(_width(r[i]) for r in rows + [header]) for i in range(4)]
    print("  ".join(_pad(h, w) for h, w in zip(header, widths)) + "  标题  (文件)")
    indent = " " * (sum(widths) + 2 * len(widths))
    for row, e in zip(rows, listing.entries):
        print("  ".join(_pad(c, w) for c, w in zip(row, widths)) + f"  {e.title}  ({e.file})")
        for line in e.relations:
            print(f"{indent}└ {line}")
    print(f"共 {len(listing.entries)} 份文件，{listing.articles} 条，在 {listing.docs_dir}")
    for b in listing.broken:
        print(f"损坏  {b}", file=sys.stderr)


def cmd_docs(args) -> int:
    listing = list_documents(Path(args.corpus) if args.corpus else None, args.city)
    print_listing(listing)
    return 1 if listing.broken else 0


def print_removal(r: Removal) -> int:
    if r.unknown is not None:
        hint = f"；你是不是要找：{'、'.join(r.near)}" if r.near else "；`policybot docs` 列出所有文件"
        return fail("remove", f"{r.docs_dir} 里没有文件“{r.unknown}”{hint}。没有删除任何文件。")
    if r.ambiguous is not None:
        return fail("remove", f"“{r.ambiguous}”对应 {len(r.matches)} 份文件（{'、'.join(r.matches)}）："
                              "请给出文号或文件名。没有删除任何文件。")
    for e in r.orphans:
        print(f"注意：{e.meta.doc_number} 的上级文件是 {e.meta.parent}，这一关联将失效")
    for e in r.removed:
        print(f"{'将删除' if r.dry_run else '已删除'} {e.ident}（{e.yaml_path.name}、{e.text_path.name}）")
    if not r.dry_run:
        print(_PICKED_UP)
    return 0


def cmd_remove(args) -> int:
    try:
        removal = remove_documents(Path(args.corpus) if args.corpus else None, args.keys, args.dry_run)
    except OSError as exc:
        return fail("remove", f"无法删除 {exc.filename}：{exc.strerror or exc}", 2)
    return print_removal(removal)


def add_commands(sub) -> None:
    ing = sub.add_parser(
        "ingest", help="收录或更新文件（.txt .md .html .docx .pdf；文件夹逐层读取）",
        description="读取每份文件，识别其元数据，打印报告，并收入语料（语料中已有相同文号或标题的文件则更新）。"
                    "有文件被拒收时不写入任何文件，除非加 --keep-going。")
    ing.add_argument("paths", nargs="+", metavar="路径", help="文件或文件夹")
    ing.add_argument("--corpus", metavar="文件夹", help="语料文件夹（默认：随附的语料）；不存在时创建")
    ing.add_argument("--city", metavar="城市", help="文件所属城市（正文没有写明时）")
    ing.add_argument("--parent", metavar="文号", help="这些文件所依据的上级文件的文号（或标题）")
    ing.add_argument("--level", metavar="层级", help="地级市、县级市、县、市辖区、省级……（未识别出时）")
    ing.add_argument("--issuer", metavar="机关", help="发文机关（未识别出时）")
    ing.add_argument("--title", metavar="标题", help="标题（仅限一份文件）")
    ing.add_argument("--doc-number", metavar="文号", help="文号（仅限一份文件）")
    ing.add_argument("--dry-run", action="store_true", help="只打印报告，不写入")
    ing.add_argument("--brief", action="store_true", help="每份文件一行，代替完整报告")
    ing.add_argument("--keep-going", action="store_true", help="有文件被拒收时仍收录其余文件（退出状态仍为 1）")
    ing.set_defaults(func=cmd_ingest)

    docs = sub.add_parser("docs", help="列出语料中的文件")
    docs.add_argument("--corpus", metavar="文件夹", help="语料文件夹（默认：随附的语料）")
    docs.add_argument("--city", metavar="城市", help="只列这个城市的文件")
    docs.set_defaults(func=cmd_docs)

    rm = sub.add_parser("remove", help="从语料中删除文件（按文号、标题或文件名）")
    rm.add_argument("keys", nargs="+", metavar="文号", help="文号（任意括号写法）、标题或文件名")
    rm.add_argument("--corpus", metavar="文件夹", help="语料文件夹（默认：随附的语料）")
    rm.add_argument("--dry-run", action="store_true", help="只说明将删除什么，不删除")
    rm.set_defaults(func=cmd_remove)
