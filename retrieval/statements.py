"""An obligation as a statement a trainer shows: its clause with its actor (statement), the
sentences quoted for it (quote_for), and the matching form quiz checks, duty lists and comparisons
compare by (normalize, occurs)."""
from __future__ import annotations

import re

from .models import Article, Obligation
from .roles import actor_parts
from .text import cn_to_int, fold

CN_NUMERALS = "一二两三四五六七八九十"
_CN_COUNT = re.compile(rf"([{CN_NUMERALS}]+)(?=次|天|个工作日|个月)")
_RANGE_DASH = re.compile(r"(?<=\d)\s*[-—－～~至到]\s*(?=\d)")


def normalize(text: str) -> str:
    """Matching form for quiz checks, duty keys and clause alignment: fold(), Chinese numerals before 次/天/个月 as digits, '1—2' → '1-2'."""
    t = fold(text).replace("％", "%")
    t = _CN_COUNT.sub(lambda m: str(cn_to_int(m.group(1)) or m.group(1)), t)
    return _RANGE_DASH.sub("-", t)


def occurs(option: str, text: str) -> bool:
    """Whether an answer option is stated in a text (after normalize), not as part of a longer number."""
    o, t = normalize(option), normalize(text)
    if not o:
        return False
    return re.search(rf"(?<![\d.\-]){re.escape(o)}(?![\d.%])", t) is not None


def statement(o: Obligation) -> str:
    """The clause as a self-contained statement: prefixed with its actor when the clause omits it."""
    text = o.clause
    if o.actor and not fold(text).startswith(fold(actor_parts(o.actor)[0])) and fold(o.actor) not in fold(text):
        text = o.actor + text
    return text


def quote_for(article: Article, o: Obligation) -> str:
    """The sentence an obligation comes from, with the sentences before it (joined by ；) back to the
    one that names its actor: "…市政府领导班子成员每年至少参加…；每年参加1次…组织生活会" is quoted whole."""
    sentences = article.sentences
    try:
        at = sentences.index(o.sentence)
    except ValueError:
        return o.sentence
    actor = actor_parts(o.actor)[0] if o.actor else ""
    start = at
    while actor and actor not in "".join(sentences[start:at + 1]) and start > 0 \
            and sentences[start - 1].rstrip().endswith(("；", ";")):
        start -= 1
    if actor and actor not in "".join(sentences[start:at + 1]):
        return o.sentence
    return "".join(sentences[start:at + 1])

