"""Build corpus/lexicon/legal_words.tsv: how many articles of the 1,322 STARD laws use each word.

The answer gate (retrieval/gate.py) reads it as the vocabulary of legal and policy writing: a question
word that this writing uses but the chosen article does not is a topic the article does not treat
(公积金, 工资); a word it never uses is the asker's own phrasing (半夜, 抓到) and does not sink an answer.

    .venv/bin/python bench/lexicon_from_stard.py [../shared/corpora/stard/laws] [corpus/lexicon/legal_words.tsv]

Words are cut with jieba's default dictionary (precise mode) from the folded text; single characters,
numbers and words used by fewer than MIN_DF articles are left out.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import jieba

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from retrieval.text import fold  # noqa: E402

MIN_DF = 2
_ARTICLE = re.compile(r"^第[零〇一二三四五六七八九十百千\d]+条")
_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


def articles(folder: Path):
    for path in sorted(folder.glob("*.md")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if _ARTICLE.match(line.strip()):
                yield line


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpora" / "stard" / "laws"
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "corpus" / "lexicon" / "legal_words.tsv"
    df: Counter[str] = Counter()
    n = 0
    for text in articles(folder):
        n += 1
        df.update({w for w in jieba.lcut(fold(text)) if _WORD.match(w)})
    rows = sorted(((w, c) for w, c in df.items() if c >= MIN_DF), key=lambda r: (-r[1], r[0]))
    with out.open("w", encoding="utf-8") as f:
        f.write(f"# articles\t{n}\n# word\tarticles using it (STARD laws, bench/lexicon_from_stard.py)\n")
        f.writelines(f"{w}\t{c}\n" for w, c in rows)
    print(f"{len(rows)} words from {n} articles → {out}")


if __name__ == "__main__":
    main()
