"""Questions that name an article: "第十二条说的是什么", "《X条例》第8条怎么规定的", "烟政发〔2022〕8号第13条".

The article number comes from the question; the document from a 文号 it names, else the title its other
words cover best (a short title or a city will do), else the asker's own documents.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import cn_to_int

_ARTICLE = re.compile(r"第\s*([零〇一二两三四五六七八九十百千\d]+)\s*条")
# A question that asks what an article says, not a question that cites one in passing.
_ASKS_CONTENT = re.compile(r"(讲|说|规定|写|是什么|内容|怎么|啥|全文|原文)|^[^，,。？?]{0,30}第\s*[零〇一二两三四五六七八九十百千\d]+\s*条[？?。]?$")
_FRAME = re.compile(r"是讲什么的|讲的是什么|讲了什么|讲了啥|说的是什么|说的啥|说了什么|是什么内容|什么内容|怎么规定的?|"
                    r"规定了?什么|写了什么|讲什么|说什么|全文|原文|内容|的|是|了|啥|吗|呢|[？?。，,]")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fa5]{1,12}\s*[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]\s*第?\s*\d{1,5}\s*号")


@dataclass
class ArticleRef:
    number: int
    doc_number: str | None  # 文号 the question names, normalized
    rest: str  # the question without the article reference and 文号: what names the document


def article_reference(folded_question: str) -> ArticleRef | None:
    m = _ARTICLE.search(folded_question)
    if not m or not _ASKS_CONTENT.search(folded_question):
        return None
    number = cn_to_int(m.group(1))
    if not number:
        return None
    from .metadata import normalize_doc_number  # metadata imports heavier helpers; only here

    dm = _DOC_NUMBER.search(folded_question)
    doc_number = normalize_doc_number(dm.group(0)) if dm else None
    rest = _FRAME.sub(" ", folded_question[:m.start()] + " " + folded_question[m.end():])
    if dm:
        rest = rest.replace(dm.group(0), " ")
    return ArticleRef(number, doc_number, rest)
