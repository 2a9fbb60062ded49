"""Articles that refer to other articles of their document: "违反本条例第五条规定的，…处…罚款" punishes
what 第五条 requires, so a question about breaking 第五条's rule is answered by the article citing it."""
from __future__ import annotations

import re

from .models import Document
from .text import cn_to_int

_REFERENCE = re.compile(r"本(?:条例|办法|规定|细则|决定|意见|通告)第([零〇一二两三四五六七八九十百\d]+)条")


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
                        at = positions[(doc.doc_number, article.index)]
                        self._citing.setdefault(positions[(doc.doc_number, cited.index)], []).append(at)
                        self._cites.setdefault(at, []).append(positions[(doc.doc_number, cited.index)])

    def citing(self, position: int) -> list[int]:
        return self._citing.get(position, [])

    def cites(self, position: int) -> list[int]:
        return self._cites.get(position, [])
