"""Reading the documents in Telegram: /docs, /outline, /article, and the whole article behind an
answer's button or an outline's deep link."""
from __future__ import annotations

import re

from retrieval.models import PREAMBLE, Article, Citation, Document
from retrieval.outline import outline
from retrieval.roles import ScopeError
from retrieval.text import article_number, fold

from . import render as R
from .render import Block, Reply
from .context import ServiceContext


STALE = "这条按钮指向的条款已不在当前文件里（文件可能已更新）。请重新提问。"
CLOSING_WORDS = ("附则", "施行", "废止")  # "/article 城市 附则": the closing provisions


def doc_key(doc_number: str) -> str:
    """A short, stable id for a document (callback data and deep links hold at most 64 bytes)."""
    return R.callback_id(doc_number, 8)


def article_ref(article: Article) -> str:
    """'doc8:index': an article in callback data."""
    return f"{doc_key(article.doc_number)}:{article.index}"


class Documents:
    def __init__(self, service: ServiceContext):
        self.service = service
        self._by_key: dict[str, Document] = {}

    @property
    def engine(self):
        return self.service.engine

    def index(self, engine) -> None:
        """Key a newly loaded engine's documents (called on every reload)."""
        self._by_key = {doc_key(d.doc_number): d for d in engine.documents}

    def find_article(self, c: Citation) -> Article | None:
        doc = self.engine.by_number.get(c.doc_number)
        if not doc or c.label == PREAMBLE:  # the preamble is quoted, not an article to open
            return None
        for a in doc.articles:
            if a.number == c.article and a.label == c.label:
                return a
        return next((a for a in doc.articles if a.number == c.article and c.article is not None), None) or next(
            (a for a in doc.articles if a.kind == "closing" and c.article is None), None)

    def article_reply(self, ref: str) -> Reply | None:
        """ref 'doc8:index' (from a button or a deep link) → the whole article; None if stale."""
        m = re.fullmatch(r"([0-9a-f]{8})[:_](\d{1,5})", ref or "")
        if not m:
            return None
        doc = self._by_key.get(m.group(1))
        if not doc or int(m.group(2)) >= len(doc.articles):
            return None
        return Reply(R.render_article(doc, doc.articles[int(m.group(2))]))

    def article_command(self, user_id: str, args: list[str]) -> Reply:
        ex = self.service.examples
        usage = f"用法：/article 文件 条号，例如 /article {ex.document} {ex.article or 1}（文件可以写文号、城市或标题）。"
        if not args:
            return R.reply(Block(usage), *self.docs_hint())
        number = article_number(args[-1])
        if number is None and args[-1] not in CLOSING_WORDS:
            return R.reply(Block(f"“{R.clip(args[-1], 20)}”不是条号。{usage}"))
        key = " ".join(args[:-1])
        doc = self.engine.document(key) if key else self.service.user_doc(user_id)
        if doc is None:
            if not key:
                return R.reply(Block(f"请说明是哪份文件。{usage}"), *self.docs_hint())
            return R.reply(Block(f"没有找到文件“{R.clip(key, 30)}”。{usage}"), *self.docs_hint())
        if number is None:
            article = next((a for a in doc.articles if a.kind == "closing"), None)
        else:
            article = doc.article(number)
        if article is None:
            numbers = [a.number for a in doc.articles if a.number is not None]
            span = f"第{min(numbers)}–{max(numbers)}条" if numbers else "没有编号的条款"
            return R.reply(Block(f"《{doc.title}》没有第{number}条（共有{span}）。/outline {doc.city or doc.doc_number} "
                                 "查看目录。"))
        return Reply(R.render_article(doc, article))

    def docs_hint(self) -> list[Block]:
        lines = [f"• {d.city + '：' if d.city else ''}{d.doc_number}《{R.clip(d.title, 40)}》"
                 for d in self.engine.documents[:10]]
        return [Block("可选的文件：\n" + "\n".join(lines))] if lines else []

    def docs(self, args: list[str] | None = None) -> Reply:
        """All documents, or those whose title, 文号, city or issuer contain the keyword."""
        keyword = " ".join(args or []).strip()
        docs = self.engine.documents
        if keyword:
            k = fold(keyword)
            docs = [d for d in docs if any(k in fold(x) for x in (d.title, d.doc_number, d.city, d.meta.issuer))]
        standing = {}
        for d in docs[:R.DOCS_SHOWN]:
            status = self.engine.standing(d.doc_number)
            standing[d.doc_number] = (status.label, self.engine.register.standing_lines(d.meta, status))
        return Reply(R.docs_text(docs, len(self.engine.documents), keyword, standing))

    def outline(self, user_id: str, args: list[str], bot_username: str | None) -> Reply:
        key = " ".join(args).strip()
        doc = self.engine.document(key) if key else self.service.user_doc(user_id)
        if doc is None:
            msg = f"没有找到文件“{R.clip(key, 30)}”。" if key else "请说明是哪份文件。"
            usage = f"用法：/outline 文号或城市，例如 /outline {self.service.examples.document}。"
            return R.reply(Block(msg + usage), *self.docs_hint())
        try:
            parts = outline(self.engine, doc.doc_number)
        except ScopeError as exc:
            return R.reply(Block(str(exc)))

        def link(a: Article) -> str | None:
            return self.service.deep_link(bot_username, f"art_{doc_key(a.doc_number)}_{a.index}")

        return Reply(R.outline_text(doc, parts, link))
