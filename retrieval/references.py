"""Articles that refer to other articles of their document: "违反本条例第五条规定的，…处…罚款" punishes
what 第五条 requires, so a question about breaking 第五条's rule is answered by the article citing it."""
from __future__ import annotations

import re

from .models import Document
from .text import cn_to_int

_REFERENCE = re.compile(r"本(?:条例|办法|规定|细则|决定|意见|通告)第([零〇一二两三四五六七八九十百\d]+)条")
# "违反本条例规定，用户有妨碍供热设施正常运行行为的": a penalty naming the conduct, not the article, that
# another article forbids ("不得有下列妨碍供热设施正常运行的行为")
_CONDUCT = re.compile(r"违反本(?:条例|办法|规定|细则)(?:的)?规定[，,][^。；，,]{0,12}?有([^，。；、]{4,20}?)的?行为的")


def links(doc: Document) -> list[tuple[int, int]]:
    """(citing article, cited article), by their places in the document: found once, at ingest."""
    out: list[tuple[int, int]] = []
    for article in doc.articles:
        for m in _REFERENCE.finditer(article.body):
            number = cn_to_int(m.group(1))
            cited = doc.article(number) if number else None
            if cited is not None and cited is not article:
                out.append((article.index, cited.index))
        for m in _CONDUCT.finditer(article.body):
            out.extend((article.index, other.index) for other in doc.articles
                       if other is not article and m.group(1) in other.body)
    return out


class References:
    """The links of a document, read from the store the first time one of its articles is asked about."""

    def __init__(self, index, links_of):
        self._index = index  # positions (retrieval/index.py)
        self._links_of = links_of  # document order → its links
        self._citing: dict[int, list[int]] = {}  # article position → positions of the articles citing it
        self._cites: dict[int, list[int]] = {}  # article position → positions of the articles it cites
        self._read: set[int] = set()

    def _load(self, position: int) -> None:
        k, _ = self._index.place(position)
        if k in self._read:
            return
        self._read.add(k)
        base = position - self._index.place(position)[1]
        for src, dst in self._links_of(k):
            self._citing.setdefault(base + dst, []).append(base + src)
            self._cites.setdefault(base + src, []).append(base + dst)

    def citing(self, position: int) -> list[int]:
        self._load(position)
        return self._citing.get(position, [])

    def cites(self, position: int) -> list[int]:
        self._load(position)
        return self._cites.get(position, [])
