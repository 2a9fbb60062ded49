"""Python jieba's segmentation, computed by jieba-rs (rjieba): the same words, about 15× faster and
without Python jieba's 1 s, 60 MB dictionary load.

jieba-rs finds the same best dictionary route as Python jieba, but its HMM step (new-word guessing),
its search mode and its handling of digits and Latin letters differ. So only the route comes from
jieba-rs (`cut(..., hmm=False)` on each block of Python jieba's); the steps around it are Python
jieba's own, line for line (jieba.Tokenizer.cut, __cut_DAG and cut_for_search), with its HMM
(retrieval/hmm.py: jieba.finalseg with its tables) on the short runs of single characters that need it.
bench/tokens_identical.py checks the words equal Python jieba's on every article of a corpus.

Word frequencies (jieba's dictionary counts, read by the gate and the homophones) are looked up in
jieba's dict.txt only when asked, through a sorted copy searched in place (retrieval/frequencies.py).
"""
from __future__ import annotations

import re

import rjieba
from . import hmm

from .frequencies import Frequencies

# Python jieba's own patterns (jieba.re_han_default, re_skip_default)
_RE_HAN = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+)", re.U)
_RE_SKIP = re.compile(r"(\r\n|\s)", re.U)
_LATIN = re.compile(r"[a-zA-Z0-9]+$")

# The instance rjieba makes when imported is handed to the first segmenter, not loaded twice.
_spare: list = [rjieba._DEFAULT_JIEBA]


def _new_jieba():
    return _spare.pop() if _spare else rjieba.Jieba()


# A word no text holds (private-use characters): its count makes up the total Python jieba would have.
_PAD = "\ue000\ue001"
_frequencies = Frequencies()


class Segmenter:
    def __init__(self) -> None:
        self._rs = _new_jieba()
        self._has = self._rs.has_word
        self._set: dict[str, int] = {}  # words added here, with their counts
        self._drift = 0

    def frequency(self, word: str) -> int:
        """The word's count: as added here, else jieba's dictionary's (0: neither has it)."""
        return self._set[word] if word in self._set else _frequencies(word)

    def add_word(self, word: str, freq: int) -> None:
        """Python jieba's add_word adds the new count to its total without taking the old one off;
        jieba-rs replaces it. The route depends on the total, so the difference is kept on a pad word."""
        if word in self._set or self._has(word):
            self._drift += self.frequency(word)
            self._rs.add_word(_PAD, self._drift, None)
        self._set[word] = freq
        self._rs.add_word(word, freq, None)

    def has_word(self, word: str) -> bool:
        """A word of the dictionary (as Python jieba's FREQ.get(word) is truthy)."""
        return self._has(word)

    def tag(self, text: str) -> list[tuple[str, str]]:
        return self._rs.tag(text)

    # ---- Python jieba's cut, over jieba-rs's route -----------------------------------------------

    def cut(self, sentence: str) -> list[str]:
        out: list[str] = []
        for blk in _RE_HAN.split(sentence):
            if not blk:
                continue
            if _RE_HAN.match(blk):
                self._cut_block(blk, out)
            else:
                for x in _RE_SKIP.split(blk):
                    if _RE_SKIP.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return out

    def cut_for_search(self, sentence: str) -> list[str]:
        out: list[str] = []
        has = self._has
        for w in self.cut(sentence):
            n = len(w)
            if n > 2:
                out.extend(g for g in (w[i:i + 2] for i in range(n - 1)) if has(g))
            if n > 3:
                out.extend(g for g in (w[i:i + 3] for i in range(n - 2)) if has(g))
            out.append(w)
        return out

    def _route(self, blk: str) -> list[str]:
        """The dictionary route of a block. jieba-rs without HMM joins runs of Latin letters and digits
        that are no dictionary word ("2022"); in the route they are single characters."""
        words: list[str] = []
        for w in self._rs.cut(blk, False):
            if len(w) > 1 and _LATIN.match(w) and not self._has(w):
                words.extend(w)
            else:
                words.append(w)
        return words

    def _cut_block(self, blk: str, out: list[str]) -> None:
        """jieba.Tokenizer.__cut_DAG: single characters gather in a buffer; a buffer no dictionary knows
        goes to the HMM."""
        buf = ""
        for word in self._route(blk):
            if len(word) == 1:
                buf += word
                continue
            if buf:
                self._flush(buf, out)
                buf = ""
            out.append(word)
        if buf:
            self._flush(buf, out)

    def _flush(self, buf: str, out: list[str]) -> None:
        if len(buf) == 1:
            out.append(buf)
        elif not self._has(buf):
            out.extend(hmm.cut(buf))
        else:
            out.extend(buf)
