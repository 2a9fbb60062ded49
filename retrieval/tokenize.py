"""Tokenizing for matching: folded text → jieba words, with the domain dictionary and synonyms."""
from __future__ import annotations

import re

from .segment import Segmenter
from .text import fold

_QUOTED_TERM = re.compile(r"[“\"「]([^”\"」]{2,8})[”\"」]")
_KEEP = re.compile(r"[\w%]")
# "哪四个", "哪几项", "哪两类": which-N frames whose numeral is no topic; "哪儿", "哪里" whole (not 儿看)
_WHICH_N = re.compile(r"哪(?:儿|里)|哪[一二三四五六七八九十两几\d]*[个项类种条件名位些]?")


def quoted_terms(text: str) -> set[str]:
    """Terms a document puts in quotes (“严真细实快”, “四不两直”): words in their own right."""
    return {fold(m.group(1)) for m in _QUOTED_TERM.finditer(text) if not re.search(r"[，,。、\s]", m.group(1))}


SEPARATOR = "|"  # between the pieces of a text put together (a heading and a sentence): no word spans it


class Substrings:
    """Every substring of a text taken for one of its words: what a text could match at most."""

    def __init__(self, folded: str):
        self.folded = folded

    def __contains__(self, word: str) -> bool:
        return word in self.folded


class TextWords:
    """A text's words as a set that cuts the text only when asked about a word the text holds (a word
    it does not hold cannot be one of its words): most questions' words are told apart by the text."""

    def __init__(self, tokenizer: "Tokenizer", text: str, folded: str | None = None):
        self._tokenizer, self._text = tokenizer, text
        self.folded = fold(text) if folded is None else folded
        self._words: frozenset[str] | None = None

    def __contains__(self, word: str) -> bool:
        if word not in self.folded:
            return False
        if self._words is None:
            self._words = frozenset(self._tokenizer.words(self._text))
        return word in self._words


class Tokenizer:
    def __init__(self, words=(), synonyms: dict[str, list[str]] | None = None, stopwords=()):
        # A private segmenter: our dictionary must not leak into other users of jieba.
        self._jieba = Segmenter()
        self._added: set[str] = set()
        self._everyday: dict[str, int] = {}  # synonym words: how often jieba had them before we added them
        for word, freq in words:
            self.add_word(word, freq)
        self.synonyms = {fold(k): [fold(v) for v in vs] for k, vs in (synonyms or {}).items()}
        for k, vs in self.synonyms.items():
            for w in [k, *vs]:
                if len(w) > 1 and w not in self._added:
                    # an asker's word is cut whole, but stays as everyday as it is (gate weights)
                    self._everyday.setdefault(w, self._jieba.frequency(w))
                    self._jieba.add_word(w, 20000)
        self.stopwords = {fold(w) for w in stopwords}
        # Multi-character stopwords are question frames ("多长时间", "是什么"): cut them out of the
        # text before segmenting, or jieba would leave their parts (时间, 长时间) behind as topic.
        phrases = sorted((w for w in self.stopwords if len(w) > 1), key=len, reverse=True)
        self._frames = re.compile("|".join(map(re.escape, phrases))) if phrases else None

    def add_word(self, word: str, freq: int | None = None) -> None:
        self._added.add(fold(word))
        self._jieba.add_word(fold(word), freq or 20000)

    def frequency(self, word: str) -> int:
        """How often jieba's own dictionary says the word occurs in everyday Chinese (0: not in it, or
        one of the domain words this tokenizer added)."""
        if word in self._added:
            return 0
        return self._everyday[word] if word in self._everyday else self._jieba.frequency(word)

    def words(self, text: str) -> list[str]:
        """Words of a folded text, as cut for indexing (long words and their parts)."""
        return [w for w in self._jieba.cut_for_search(fold(text)) if _KEEP.search(w)]

    def cut(self, text: str) -> list[str]:
        """Words of a folded text, longest cut only (for phrase-level comparisons)."""
        return [w for w in self._jieba.cut(fold(text)) if _KEEP.search(w)]

    def nouns(self, text: str) -> set[str]:
        """The words jieba tags as nouns (n, nz, nr…) in a folded text."""
        return {w for w, flag in self._jieba.tag(fold(text)) if flag.startswith("n")}

    def strip_frames(self, text: str) -> str:
        # a comma, not a space: folding removes spaces between Chinese characters, and the words on
        # either side of a removed frame must not run together ("满几年要" → "满", "要", not "满要")
        text = _WHICH_N.sub("，", fold(text))
        return self._frames.sub("，", text) if self._frames else text

    def content_words(self, text: str) -> list[str]:
        """Query words that carry topic, search-mode (long words and their parts), for ranking."""
        return [w for w in self.words(self.strip_frames(text)) if w not in self.stopwords]

    def topic_words(self, text: str) -> list[str]:
        """Query words that carry topic, precise mode (no sub-words), for judging coverage."""
        return [w for w in self._unguessed(self.cut(self.strip_frames(text))) if w not in self.stopwords]

    def _unguessed(self, words: list[str]) -> list[str]:
        """Two characters jieba's HMM joined though no dictionary knows them, one a function word ("要罚",
        "能养"), are an asker's phrase, not a word: its characters count one by one (高危, 卫健 stay)."""
        out = []
        for w in words:
            # words we added (domain terms, synonyms) are in FREQ too: only HMM guesses are missing from it
            if len(w) == 2 and not self._jieba.has_word(w) and (w[0] in self.stopwords or w[1] in self.stopwords):
                out.extend(w)
            else:
                out.append(w)
        return out

    def expand(self, words: list[str]) -> list[str]:
        """Query expansion: each word plus the document words its synonyms name."""
        out = list(words)
        for w in words:
            for s in self.synonyms.get(w, []):
                out.extend(self.cut(s))  # whole words: the parts of 物业服务企业 (服务, 企业) match anything
        return out
