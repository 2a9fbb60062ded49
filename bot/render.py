"""Everything the bot says, as Telegram HTML, produced from plain values (no Telegram objects).

Text from documents and from users is always escaped here (html.escape); nothing else in the bot
builds markup. Long replies are split into messages of at most 4,096 visible characters (and at
most 100 entities) at paragraph, sentence or clause boundaries, never inside a tag.
"""
from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field

from retrieval.examples import Examples
from retrieval.models import Answer, Article, Citation, Document, document_name, number_suffix
from .store import REASONS

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units of the text after entity parsing
MAX_ENTITIES = 100  # Telegram's limit of formatting entities per message
MAX_CALLBACK = 64  # bytes of callback data
BUTTON_TEXT = 40  # characters we allow on a button


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- plain reply objects the handlers turn into Telegram calls --------------------------------


@dataclass
class Button:
    text: str
    data: str | None = None  # callback data (<= 64 bytes)
    url: str | None = None

    def __post_init__(self):
        self.text = clip(self.text, BUTTON_TEXT)
        if self.data is not None and len(self.data.encode()) > MAX_CALLBACK:
            raise ValueError(f"callback data too long: {self.data!r}")


@dataclass
class Reply:
    texts: list[str]  # HTML messages, each within Telegram's limits
    buttons: list[list[Button]] = field(default_factory=list)  # under the last message
    files: list[tuple[str, bytes, str]] = field(default_factory=list)  # (name, content, caption) sent after the texts

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def reply(*blocks, buttons=None, limit: int = MAX_MESSAGE) -> Reply:
    return Reply(paginate(list(blocks), limit), buttons or [])


# ---- splitting ---------------------------------------------------------------------------------


@dataclass
class Block:
    """One paragraph: plain text shown with an optional wrapper tag, or ready-made short HTML."""

    text: str = ""
    tag: str | None = None  # b, i, blockquote, code, pre; "a" needs href
    href: str | None = None
    raw: str | None = None  # pre-built HTML (short lines only); never split

    def html(self, text: str | None = None) -> str:
        if self.raw is not None:
            return self.raw
        body = esc(self.text if text is None else text)
        if not self.tag:
            return body
        if self.tag == "a":
            return f'<a href="{esc(self.href or "")}">{body}</a>'
        return f"<{self.tag}>{body}</{self.tag}>"


_TAG = re.compile(r"<[^>]*>")


def visible_length(html_text: str) -> int:
    """Length Telegram counts: the text after entity parsing, in UTF-16 code units."""
    text = html.unescape(_TAG.sub("", html_text))
    return len(text.encode("utf-16-le")) // 2


def entity_count(html_text: str) -> int:
    return len(re.findall(r"<(?!/)[^>]*>", html_text))


def _fits(piece: str, limit: int) -> bool:
    return visible_length(piece) <= limit and entity_count(piece) <= MAX_ENTITIES


_BOUNDARIES = [
    re.compile(r"(?<=\n)"),  # paragraphs
    re.compile(r"(?<=[。！？!?；;])"),  # sentences and provisions
    re.compile(r"(?<=[，,、：:])"),  # clauses
    re.compile(r"(?<=\s)"),  # words (Latin text)
]


def _atoms(block: Block, limit: int, level: int = 0) -> list[str]:
    """A block's text cut into pieces that each fit a message on their own, at the strongest
    boundary that does it: paragraphs, then sentences, then clauses, then words, then characters."""
    text = block.text
    if _fits(block.html(text), limit):
        return [text]
    if level >= len(_BOUNDARIES):
        step = max(1, limit // 2)
        return [text[i:i + step] for i in range(0, len(text), step)]
    units = [u for u in _BOUNDARIES[level].split(text) if u]
    if len(units) == 1:
        return _atoms(block, limit, level + 1)
    out: list[str] = []
    for u in units:
        out.extend(_atoms(Block(u, block.tag, block.href), limit, level + 1))
    return out


def paginate(blocks: list[Block | str | None], limit: int = MAX_MESSAGE) -> list[str]:
    """Blocks (paragraphs) → messages of at most `limit` visible characters, joined by newlines.

    A block that fits the current message goes in whole; a short one that does not starts the next
    message; a long one fills the current message piece by piece, cut at the strongest boundary
    (each piece keeps the block's tag, so no tag is ever cut)."""
    messages: list[str] = []
    cur = ""

    def join(a: str, b: str) -> str:
        return f"{a}\n{b}" if a else b

    for b in blocks:
        if b is None:
            continue
        if isinstance(b, str):
            b = Block(b)
        whole = b.html()
        if _fits(join(cur, whole), limit):
            cur = join(cur, whole)
            continue
        if b.raw is not None or (_fits(whole, limit) and visible_length(whole) <= limit // 2):
            if cur:
                messages.append(cur)
            cur = whole
            continue
        acc = ""
        for atom in _atoms(b, limit):
            if _fits(join(cur, b.html(acc + atom)), limit):
                acc += atom
                continue
            if acc:
                cur = join(cur, b.html(acc.strip("\n")))
            if cur:
                messages.append(cur)
            cur, acc = "", atom
        if acc:
            cur = join(cur, b.html(acc.strip("\n")))
    if cur.strip():
        messages.append(cur)
    return messages or ["（空）"]


# ---- references ------------------------------------------------------------------------------


def where(c: Citation | Article, doc: Document | None = None) -> str:
    """'三、…，13.积极回应办理群众诉求' — part and label/heading as the document writes them."""
    label = f"{c.label}{c.heading}".strip() or ("施行与废止" if getattr(c, "kind", "") == "closing" else "")
    return "，".join(x for x in (c.part, label) if x)


def article_name(a: Article | Citation) -> str:
    name = f"{a.label}{a.heading}".strip()
    if name:
        return name
    number = a.number if isinstance(a, Article) else a.article
    if getattr(a, "kind", "") == "closing" or number is None:
        return "附则"
    return f"第{number}条"


def citation_blocks(c: Citation, quote: bool = True) -> list[Block]:
    out = [Block(raw=f"📌 依据：{esc(document_name(c.title, c.doc_number))}{esc(where(c))}")]
    if quote and c.quote:
        out.append(Block(f"“{c.quote}”", "blockquote"))
    return out


# ---- answers ---------------------------------------------------------------------------------


def answer_blocks(answer: Answer, example: str = "") -> list[Block]:
    """Direct answer first, right under it the notes (which document governs, how a follow-up was
    understood), as the command line says them, then the citation(s) backing it with the quoted sentence.
    example: a question the corpus answers, suggested when this one is not answered."""
    blocks: list[Block] = [Block(answer.first_line, "b")]
    for note in answer.notes:
        blocks.append(Block(note if note.startswith("⚠️") else f"ℹ️ {note}", "i"))  # a warning keeps its own sign
    if answer.answered:
        for c in answer.citations[: max(1, answer.primary)]:
            blocks.extend(citation_blocks(c))
    if not answer.answered:
        suggestion = f"，例如“{example}”" if example else ""
        blocks.append(Block(f"可以换个说法再问{suggestion}；/docs 查看收录的文件，/help 查看用法。"))
        if answer.citations:
            blocks.append(Block("下面几条可能相关："))
    return blocks


def render_answer(answer: Answer, example: str = "", limit: int = MAX_MESSAGE) -> list[str]:
    return paginate(answer_blocks(answer, example), limit)


def article_blocks(doc: Document, a: Article) -> list[Block]:
    blocks = [Block(raw=f"<b>《{esc(doc.title)}》</b>{esc(number_suffix(doc.title, doc.doc_number))}")]
    if a.part:
        blocks.append(Block(a.part, "i"))
    blocks.append(Block(article_name(a), "b"))
    body = a.body
    if a.heading and body.startswith(a.heading):
        body = body[len(a.heading):].lstrip("。．. ")
    blocks.append(Block(body))
    return blocks


def render_article(doc: Document, a: Article, limit: int = MAX_MESSAGE) -> list[str]:
    return paginate(article_blocks(doc, a), limit)


def citation_text(c: Citation) -> str:
    return f"《{c.title}》{c.label}{c.heading}"


# ---- welcome and help (their examples come from the loaded corpus) -----------------------------


TITLE_SHOWN = 100  # characters of a title in lists of documents


def welcome(name: str, documents: list[Document], city: str | None, ex: Examples) -> list[str]:
    # titles clipped: lists of documents are shown to everyone, and one overlong title must not break them
    docs = "\n".join(f"• {esc(document_name(clip(d.title, TITLE_SHOWN), d.doc_number))}" for d in documents[:8])
    more = f"\n…共{len(documents)}份文件，/docs 查看全部。" if len(documents) > 8 else ""
    city_line = (f"你的城市：<b>{esc(city)}</b>（/city 修改）" if city else
                 "先告诉我你在哪个城市工作（/city 城市名，或点下面的按钮），我会优先引用本地文件。")
    blocks = [Block(raw=f"你好，{esc(name)}！我是 <b>PolicyBot</b>，回答政策文件里的问题，并给出规定它的条款原文。"),
              Block(raw=f"已收录：\n{docs}{more}"),
              Block(raw=city_line)]
    if ex.questions:
        examples = "\n".join(f"• {esc(q)}" for q in ex.questions)
        blocks.append(Block(raw=f"直接发问题即可，例如：\n{examples}"))
    else:
        blocks.append(Block("直接发问题即可。"))
    blocks.append(Block(raw="/help 查看全部命令。"))
    return paginate(blocks)


def commands(ex: Examples) -> list[tuple[str, str]]:
    """(command, description) for /help and the command menus, each with an example of this corpus."""
    doc = ex.document or "文号"
    article = f"{doc} {ex.article}" if ex.article else f"{doc} 条号"
    return [
        ("help", "查看用法"),
        ("city", f"设置城市：/city {ex.city}" if ex.city else "设置城市"),
        ("role", f"设置身份：/role {ex.role}" if ex.role else "设置身份"),
        ("article", f"查看条款原文：/article {article}"),
        ("outline", f"文件目录：/outline {doc}"),
        ("docs", "收录的文件（/docs 关键词 查找）"),
        ("duties", f"某个身份的全部职责：/duties {ex.role}" if ex.role else "某个身份的全部职责"),
        ("compare", f"比较各地同一条：/compare {ex.compare or ex.article or 1}"),
        ("quiz", "政策小测验：/quiz，或 /quiz 三 只考第三部分；在群里发起一轮集体测验"),
    ]


GROUP_COMMANDS = ("help", "quiz", "article", "outline", "docs", "duties", "compare")
ADMIN_HELP = [("reload", "重新加载文件（管理员）"), ("stats", "使用统计（管理员）")]


def help_text(ex: Examples, admin: bool = False) -> list[str]:
    lines = [Block(raw="<b>怎么用</b>"),
             Block("直接发问题，我会先给出结论，再给出依据的文件、条款和原文。答案下面的按钮可以查看整条原文、"
                   "评价答案（👍/👎），或看看其他相关条款。"),
             Block("在群里：用命令、回复我的消息，或 @我 提问。任何聊天里输入 @机器人名 加问题，可以直接引用答案。")]
    if ex.questions:
        lines.append(Block("例如：" + "；".join(ex.questions)))
    lines.append(Block(raw="<b>命令</b>"))
    for cmd, desc in commands(ex) + (ADMIN_HELP if admin else []):
        lines.append(Block(raw=f"/{cmd} — {esc(desc)}"))
    return paginate(lines)


DOCS_SHOWN = 20  # documents listed by /docs before it asks for a keyword


def docs_text(documents: list[Document], total: int | None = None, keyword: str = "",
              standing: dict[str, tuple[str, list[str]]] | None = None) -> list[str]:
    """standing: each shown document's status (有效, 已废止 …) and the lines saying what repeals what."""
    total = len(documents) if total is None else total
    head = f"收录的文件（{total}份）" if not keyword else f"含“{clip(keyword, 20)}”的文件（{len(documents)}份，共收录{total}份）"
    blocks = [Block(head, "b")]
    if keyword and not documents:
        blocks.append(Block("没有找到。换个关键词，或发送 /docs 查看全部。"))
    for d in documents[:DOCS_SHOWN]:
        m = d.meta
        label, lines = (standing or {}).get(d.doc_number, (m.validity, []))
        facts = "，".join(x for x in (m.city, m.issuer, m.published and f"发布于{m.published}",
                                      label, f"{len(d.articles)}条") if x)
        more = "".join(f"\n  └ {esc(line)}" for line in lines)
        blocks.append(Block(raw=f"• <b>《{esc(clip(d.title, TITLE_SHOWN))}》</b>\n  {esc(d.doc_number)}；{esc(facts)}{more}"))
    if len(documents) > DOCS_SHOWN:
        blocks.append(Block(f"……还有{len(documents) - DOCS_SHOWN}份。发送 /docs 关键词 查找，例如 /docs 安全生产。"))
    blocks.append(Block("目录：/outline 文号或城市；条款原文：/article 文号或城市 条号"))
    return paginate(blocks)


def cities_text(cities: list[str], unknown: str | None = None, current: str | None = None) -> list[str]:
    blocks = []
    if unknown is not None:
        blocks.append(Block(f"还没有收录“{clip(unknown, 20)}”的文件。"))
    elif current:
        blocks.append(Block(raw=f"你现在的城市：<b>{esc(current)}</b>"))
    else:
        blocks.append(Block("你还没有设置城市，我会在全部文件里回答。"))
    if cities:
        blocks.append(Block("已收录的城市：" + "、".join(cities)))
        blocks.append(Block(f"发送 /city {cities[0]} 设置城市；/city 全部 清除设置。"))
    else:
        blocks.append(Block("收录的文件都不属于某个城市。"))
    return paginate(blocks)


def outline_text(doc: Document, parts: list[tuple[str, list[Article]]], link) -> list[str]:
    """link(article) → deep-link URL (or None: show the /article command instead)."""
    blocks = [Block(raw=f"<b>《{esc(doc.title)}》</b>{esc(number_suffix(doc.title, doc.doc_number))}目录")]
    for part, articles in parts:
        if part:
            blocks.append(Block(part, "b"))
        for a in articles:
            name = article_name(a)
            url = link(a)
            if url:
                blocks.append(Block(raw=f'• <a href="{esc(url)}">{esc(clip(name, 60))}</a>'))
            else:
                blocks.append(Block(f"• {clip(name, 60)}"))
    blocks.append(Block("点条款名查看原文。"))
    return paginate(blocks)


def duties_text(role: str, city: str | None, groups: list[tuple[str, list]]) -> list[str]:
    """groups: (period, duties) with duty.text and duty.citation; the document is named only when
    the duties come from more than one."""
    head = f"<b>{esc(role)}</b>的周期性职责" + (f"（{esc(city)}）" if city else "")
    duties = [d for _, ds in groups for d in ds]
    docs = list(dict.fromkeys(f"《{d.citation.title}》" for d in duties))
    blocks = [Block(raw=head)]
    if len(docs) == 1:
        blocks.append(Block(f"依据{docs[0]}", "i"))
    for period, ds in groups:
        blocks.append(Block(period or "其他", "b"))
        for d in ds:
            c = d.citation
            ref = citation_text(c) if len(docs) > 1 else f"{c.label}{c.heading}"
            blocks.append(Block(raw=f"• {esc(d.text)}（<i>{esc(ref)}</i>）"))
    if duties:
        blocks.append(Block(f"共{len(duties)}项。附件是日历文件（.ics），可以导入手机或电脑日历。"))
    else:
        blocks.append(Block("文件里没有这个身份按周期（每周、每月、每季度、每年……）要做的事。"))
    return paginate(blocks)


def comparison_text(number: int, cities: list[str], rows: list[tuple[str, str, bool]], heading: str = "",
                    marker=None) -> list[str]:
    """rows: (clause in city A, clause in city B, differs). marker(a, b) → both clauses with their
    differing spans between \x01 and \x02 (shown underlined)."""
    a, b = (list(cities) + ["", ""])[:2]
    diff = sum(1 for r in rows if r[2])

    def show(text: str) -> str:
        return esc(text).replace("\x01", "<u>").replace("\x02", "</u>")

    title = f"第{number}条" + (f" {heading}" if heading else "")
    blocks = [Block(raw=f"<b>{esc(title)}：{esc(a)}与{esc(b)}对比</b>"),
              Block(f"{diff}处不同（🔸标出，不同的字加了下划线）。" if diff else "两地这一条内容相同。")]
    for left, right, differs in rows:
        if not differs:
            blocks.append(Block(f"＝ {left}"))
        elif left and right:
            ml, mr = marker(left, right) if marker else (left, right)
            blocks.append(Block(raw=f"🔸 <b>{esc(a)}</b>：{show(ml)}\n    <b>{esc(b)}</b>：{show(mr)}"))
        elif left:
            blocks.append(Block(raw=f"🔸 <b>{esc(a)}独有</b>：{esc(left)}"))
        else:
            blocks.append(Block(raw=f"🔸 <b>{esc(b)}独有</b>：{esc(right)}"))
    return paginate(blocks)


def quiz_question_text(prompt: str, options: list[str], header: str = "", note: str = "") -> list[str]:
    letters = "ABCD"
    blocks = []
    if note:
        blocks.append(Block(note, "i"))
    if header:
        blocks.append(Block(header, "b"))
    blocks.append(Block(prompt, "b"))
    for i, o in enumerate(options):
        blocks.append(Block(f"{letters[i]}. {o}"))
    return paginate(blocks)


def quiz_result_text(prompt: str, options: list[str], answer_index: int, chosen: int | None,
                     citation: Citation, explanation: str, score: tuple[int, int] | None = None,
                     header: str = "", tally: str = "") -> list[str]:
    letters = "ABCD"
    blocks = []
    if header:
        blocks.append(Block(header, "b"))
    blocks.append(Block(prompt, "b"))
    for i, o in enumerate(options):
        mark = "✅" if i == answer_index else ("❌" if i == chosen else "▫️")
        blocks.append(Block(f"{mark} {letters[i]}. {o}"))
    if chosen is not None:
        blocks.append(Block("回答正确！" if chosen == answer_index else
                            f"正确答案是 {letters[answer_index]}. {options[answer_index]}。", "b"))
    if tally:
        blocks.append(Block(tally, "i"))
    if explanation and chosen is None and "原文" not in explanation:  # a reveal says the answer once
        blocks.append(Block(explanation))
    blocks.extend(citation_blocks(citation))  # the citation and its quote, once
    if score is not None:
        right, total = score
        blocks.append(Block(f"你的成绩：{right}/{total}"))
    return paginate(blocks)


def leaderboard_text(rows: list[tuple[str, int, int]], questions: int) -> list[str]:
    """rows: (name, correct, answered), best first."""
    blocks = [Block(f"🏁 测验结束（{questions}题）", "b")]
    if not rows:
        blocks.append(Block("这一轮没有人作答。"))
    elif not any(right for _, right, _ in rows):
        blocks.append(Block("这一轮没有人答对，看看每题公布的依据再来一轮吧。"))
    medals = ["🥇", "🥈", "🥉"]
    place = 0
    for i, (name, right, answered) in enumerate(rows):
        if i == 0 or (right, answered) != rows[i - 1][1:]:
            place = i + 1  # ties share a place: 1, 1, 3
        mark = medals[place - 1] if place <= 3 and right > 0 else f"{place}."
        blocks.append(Block(f"{mark} {name}：答对{right}题（共答{answered}题）"))
    return paginate(blocks)


def callback_id(text: str, length: int) -> str:
    """A short, stable id of a text for callback data and deep links (at most 64 bytes: a document's 文号,
    a role's name or a question's id does not fit as it is)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def feedback_buttons(qid: int, reason: str | None = None) -> list[Button]:
    """👍/👎 under an answer; after a 👎 with a reason, the 👎 says which (tapping it again asks again)."""
    return [Button("👍 有用", data=f"fb:{qid}:1"), Button(f"👎 {reason}" if reason else "👎 没用", data=f"fb:{qid}:0")]


def reason_buttons(qid: int) -> list[Button]:
    """Why an answer was no use, in place of 👍/👎 under it."""
    return [Button(r, data=f"fbr:{qid}:{i}") for i, r in enumerate(REASONS)]


def stats_text(s: dict) -> list[str]:
    reasons = "、".join(f"{r} {n}" for r, n in s.get("reasons", []))
    blocks = [Block("使用统计", "b"),
              Block(f"问题：{s['questions']}个（{s['users']}位用户），已回答{s['answered']}个，"
                    f"未回答{s['unanswered']}个。" + (f"另有寒暄{s['small_talk']}条（你好、谢谢…），不计入。"
                                                   if s.get("small_talk") else "")),
              Block(f"反馈：👍 {s['thumbs_up']}，👎 {s['thumbs_down']}" + (f"（原因：{reasons}）" if reasons else "")
                    + "。"),
              Block(f"测验：作答{s['quiz_answers']}次，答对{s['quiz_correct']}次。")]
    if s.get("top_unanswered"):
        blocks.append(Block("问得最多的未回答问题", "b"))
        for text, n in s["top_unanswered"]:
            blocks.append(Block(f"{n}× {clip(text, 80)}"))
    if s.get("recent_down"):
        blocks.append(Block("最近的 👎", "b"))
        for text, where_, reason in s["recent_down"]:
            blocks.append(Block(f"• {clip(text, 60)}" + (f" → {clip(where_, 40)}" if where_ else "")
                                + (f"（{reason}）" if reason else "")))
        blocks.append(Block("导出复核清单：policybot review --csv 文件名"))
    if s.get("private_only"):
        blocks.append(Block("问题和反馈的明细只在私聊里显示：请私聊我发送 /stats。"))
    if s.get("engine"):
        blocks.append(Block(s["engine"], "i"))
    return paginate(blocks)
