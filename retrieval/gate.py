"""Does a clause cover a question, or did the asker only use other words?

A question word the chosen text does not contain counts against the answer only when it is a word
legal and policy writing uses (公积金, 工资, 天气: a topic the text does not treat). A word that writing
never uses is the asker's own phrasing (半夜, 抓到, 这块) and weighs little. The vocabulary of legal
writing is a data file (corpus/lexicon/legal_words.tsv, word → articles of 1,322 laws using it), and
the loaded corpus adds its own words. Chinese abbreviations are matched by their characters
(卫健 ← 卫生健康, 控烟 ← 控制吸烟).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from . import thesaurus

COLLOQUIAL = 0.2  # weight of a word neither legal writing nor the corpus uses
COMMON = 0.25  # weight of a word all legal writing uses (单位, 行政, 规定): it tells little of the topic
SPECIFIC_DF = 5  # a word this few law articles use is as specific as words get
SINGLE = 0.25  # weight of a single character (养, 罚, 烟): present or not, it says little alone
WEIGHTS_KEPT = 8192  # words whose weight is remembered
COMMON_CHARACTER = 12000  # jieba's frequency above which a single character weighs less still
RARE_IN_LAW = 30  # law articles using a word below which it is the asker's word, not the law's
EVERYDAY = 2000
COMMON_SPEECH = 1000  # jieba's frequency above which a word the laws seldom use is everyday speech
THESAURUS = 0.8  # credit for a word whose synonym (同义词词林) the text uses: 露天 ~ 室外
ABBREVIATION = 0.75  # credit for a word whose characters the text has in order, close together (卫健 ~ 卫生健康)
PART = 0.8  # credit for the share of a long word the text contains ("放烟花" ~ "烟花")


_AMOUNT = re.compile(r"[一二两三四五六七八九十百千几多\d]+[个家户条只次名人项件天日年月周级位种类块元]?")


# a verb with its result (办完, 念完, 扔掉): speech, where writing says 办理完毕, 完成
_RESULTATIVE = re.compile(r"[\u4e00-\u9fff][完掉]")


def read_legal_words(path: Path) -> tuple[dict[str, int], int]:
    """(word → law articles using it, number of law articles) from legal_words.tsv."""
    words: dict[str, int] = {}
    total = 1
    if not path.exists():
        return words, total
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, n = line.partition("\t")
        if word == "# articles":
            total = int(n)
        elif line and not line.startswith("#"):
            words[word] = int(n or 1)
    return words, total


def _covered(word: str, parts: list[str]) -> bool:
    """The parts spell the whole word (行政 + 机关), not only a piece of it (养犬登记证 ⊃ 登记)."""
    covered = [False] * len(word)
    for p in parts:
        at = word.find(p)
        covered[at:at + len(p)] = [True] * len(p)
    return all(covered)


def _tiles(word: str, parts: list[str]) -> list[str]:
    """The word's sub-words side by side, longest first at each place (调查核实 → 调查, 核实; not 查核 too)."""
    tiles, at = [], 0
    while at < len(word):
        here = [p for p in parts if word.startswith(p, at)]
        if here:
            tiles.append(max(here, key=len))
            at += len(tiles[-1])
        else:
            at += 1
    return tiles


def _in_order(word: str, text: str) -> int:
    """How many of a long word's characters the text has in order within a short span: 离岗外出 ~
    离开岗位外出 (4), 放烟花 ~ 燃放烟花爆竹 (3)."""
    best = 0
    for start in range(len(text)):
        if text[start] not in word:
            continue
        at, found, end = start, 0, start + 2 * len(word) + 2
        for ch in word[word.index(text[start]):]:
            k = text.find(ch, at, end)
            if k >= 0:
                found, at = found + 1, k + 1
        best = max(best, found)
        if best == len(word):
            break
    return best


def _spread(word: str, text: str) -> bool:
    """The word's characters occur in order within a short span: an abbreviation of what the text
    spells out (卫健 ~ 卫生健康, 人代工委 ~ 人大常委会代表工作委员会)."""
    start = text.find(word[0])
    while start >= 0:
        at, ok = start, True
        for ch in word[1:]:
            at = text.find(ch, at + 1, start + 4 * len(word))
            if at < 0:
                ok = False
                break
        if ok:
            return True
        start = text.find(word[0], start + 1)
    return False


@dataclass
class Coverage:
    share: float  # weighted share of the question's words the text covers
    matched: float  # covered weight (a question of colloquial words only covers little)
    total: float = 0.0  # the question's weight


class Gate:
    def __init__(self, legal_words: tuple[dict[str, int], int], corpus_df, synonyms, parts, general):
        self.legal, self.legal_n = legal_words
        self.general = general  # word → its frequency in everyday Chinese (jieba's dictionary)
        self.corpus_df = corpus_df  # word → number of corpus articles using it
        self.synonyms = synonyms  # word → document words it stands for
        self.parts = parts  # word → its sub-words (jieba search mode)
        self._weights: dict[str, float] = {}  # weight() is asked per word per clause of every candidate
        self._matchers: dict[str, tuple] = {}  # … and match() as often: what it needs of a word, found once

    def weight(self, word: str) -> float:
        w = self._weights.get(word)
        if w is None:
            if len(self._weights) >= WEIGHTS_KEPT:  # a long-running bot meets ever new words
                self._weights.clear()
            w = self._weights[word] = self._weight(word)
        return w

    def _weight(self, word: str) -> float:
        if _AMOUNT.fullmatch(word):  # "一家", "几条", "两次": how much is asked, not about what
            return 0.0
        if len(word) == 1:  # 打, 看, 去: the commonest characters say least
            return SINGLE if self.general(word) < COMMON_CHARACTER else SINGLE / 2.5
        df = self.legal.get(word, 0)
        if df < RARE_IN_LAW and (self.general(word) >= COMMON_SPEECH or _RESULTATIVE.fullmatch(word)):
            return COLLOQUIAL  # everyday speech the laws seldom use (办完, 拿到, 人家)
        if df >= 2:  # legal writing's word: the rarer there, the more it says
            return max(COMMON, min(1.0, math.log(self.legal_n / (df + 1)) / math.log(self.legal_n / SPECIFIC_DF)))
        parts = [p for p in self.parts(word) if p != word and len(p) > 1 and self.legal.get(p, 0) >= 2]
        if parts and _covered(word, parts):  # a compound of the laws' words ("行政机关", "出国考察") weighs as they do
            return max(self.weight(p) for p in parts)
        if self.corpus_df(word) and self.general(word) < EVERYDAY:
            return 1.0  # the corpus's own term (河长, 控烟)
        if parts:
            return max(self.weight(p) for p in parts)
        return COLLOQUIAL

    def match(self, word: str, tokens, text: str) -> float:
        """How well a text (folded) and its words say a question word, in [0, 1]. The text is looked at
        before its words, which may be cut only when asked (tokenize.TextWords); no words (an empty
        set) is matching the text alone."""
        # asked some 200 times per question: the common ways out first, no generator where none is needed
        if word in text:
            return 1.0
        synonyms, rare_synonyms, tiles, parts = self._matcher(word)
        if synonyms and any(s in text for s in synonyms):
            return 1.0
        if tokens and (word in tokens or any(s in tokens for s in synonyms)):
            return 1.0
        if len(word) == 1:
            return 0.0
        if tokens and len(word) >= 3 and _covered(word, [p for p in parts if p in tokens]):
            return 1.0  # found sub-words cover every character ("走访调研" in "调研走访")
        if rare_synonyms and any(s in text for s in rare_synonyms):
            return THESAURUS  # an everyday word for what the text says in its own (露天 ~ 室外)
        for ch in word:
            if ch in text:
                break
        else:
            # what is left of the text (an abbreviation, the characters in order) needs one of the word's
            # characters; of a compound's parts, only the words may have some
            found = sum(p in tokens for p in tiles) / len(tiles) if tokens and len(tiles) > 1 else 0.0
            return PART * found
        if rare_synonyms is not None and _spread(word, text):
            return ABBREVIATION  # not a word of the laws: maybe an abbreviation (卫健 ~ 卫生健康)
        if len(tiles) > 1:  # a compound: the share of its parts the text has ("出国考察": neither)
            found = sum(p in text or p in tokens for p in tiles) / len(tiles)
            if found:
                return PART * found
        return _in_order(word, text) / len(word) * PART if len(word) >= 3 else 0.0

    def _matcher(self, word: str) -> tuple:
        """What matching needs of a word, found once: (its synonyms, the thesaurus's if the laws seldom use
        it else None, its sub-words side by side, its sub-words)."""
        m = self._matchers.get(word)
        if m is None:
            if len(self._matchers) >= WEIGHTS_KEPT:
                self._matchers.clear()
            rare = len(word) > 1 and self.legal.get(word, 0) < RARE_IN_LAW
            parts = [p for p in self.parts(word) if p != word and len(p) > 1]
            m = self._matchers[word] = (tuple(self.synonyms(word)), thesaurus.synonyms(word) if rare else None,
                                        _tiles(word, parts), parts)
        return m

    def text_match(self, word: str, text: str) -> float:
        """match() of a text alone (a candidate's every sentence and clause, for every question word)."""
        return self.match(word, (), text)

    def enough(self, c: "Coverage", matched: float) -> bool:
        """Covers words enough of the question (a question of everyday words only asks little, so it
        needs less)."""
        return c.matched >= min(matched, 0.5 * c.total)

    def coverage(self, words: list[str], tokens, text: str) -> Coverage:
        total = found = 0.0
        for w in dict.fromkeys(words):
            weight = self.weight(w)
            total += weight
            found += weight * self.match(w, tokens, text)
        return Coverage(found / total if total else 0.0, found, total)
