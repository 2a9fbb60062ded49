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


class References:
    def __init__(self, documents: list[Document], positions: dict[tuple[str, int], int]):
        self._citing: dict[int, list[int]] = {}  # article position → positions of the articles citing it
        self._cites: dict[int, list[int]] = {}  # article position → positions of the articles it cites
        for doc in documents:
            for article in doc.articles:
                for m in _REFERENCE.finditer(article.body):
                    number = cn_to_int(m.group(1))
                    cited = doc.article(number) if number else None
                    if cited is not None and cited is not article:
                        self._link(positions, doc, article, cited)
                for m in _CONDUCT.finditer(article.body):
                    for other in doc.articles:
                        if other is not article and m.group(1) in other.body:
                            self._link(positions, doc, article, other)

    def _link(self, positions, doc: Document, article, cited) -> None:
        at = positions[(doc.doc_number, article.index)]
        self._citing.setdefault(positions[(doc.doc_number, cited.index)], []).append(at)
        self._cites.setdefault(at, []).append(positions[(doc.doc_number, cited.index)])

    def citing(self, position: int) -> list[int]:
        return self._citing.get(position, [])

    def cites(self, position: int) -> list[int]:
        return self._cites.get(position, [])
