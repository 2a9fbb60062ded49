"""Typed with the wrong character of the right sound: 抱名 for 报名, 申清 for 申请, 暖器 for 暖气, 登纪 for 登记.

A pinyin input method offers every character of a syllable, and askers pick the wrong one. A question word
that is neither in jieba's dictionary nor in the corpus, one character away from a corpus word that sounds
the same (pypinyin, tones ignored), is read as that word. A real word is never corrected: 话费 stays 话费,
nor a phrase with a function word in it: 不办 is not 补办.
"""
from __future__ import annotations

import importlib.util
import json
from functools import lru_cache
from pathlib import Path
from typing import Callable

from .frequencies import WordTable

MAX_LENGTH = 4  # longer unknown strings are names or phrases, not a word mistyped
NEGATIONS = set("不没未别非无")
FIRST_CJK, LAST_CJK = 0x4E00, 0x9FFF  # the common block: a rare character is nobody's typo


class Homophones:
    def __init__(self, in_corpus: Callable[[str], bool], in_dictionary: Callable[[str], bool],
                 function_characters: set[str] | frozenset[str] = frozenset()):
        self.in_corpus = in_corpus
        self.function_characters = set(function_characters) | NEGATIONS
        self.in_dictionary = in_dictionary
        self.corrections = lru_cache(maxsize=4096)(self._corrections)

    def _corrections(self, word: str) -> list[str]:
        """The corpus words the word is a mistyping of ([] for a known word or one with no such neighbour)."""
        return self._one_off(word) if self._unknown(word) else []

    def _unknown(self, word: str) -> bool:
        return 2 <= len(word) <= MAX_LENGTH and all(FIRST_CJK <= ord(c) <= LAST_CJK for c in word) \
            and not self.in_corpus(word) and not self.in_dictionary(word) \
            and not any(c in self.function_characters for c in word)

    def respelled(self, words: list[str]) -> dict[str, str]:
        """Mistyped words of a question → their spelling, for the first corpus word each stands for; a
        three-character run ("申清报") may hold a two-character word mistyped (申清 → 申请)."""
        out = {}
        for w in words:
            if len(w) == 3 and self._unknown(w) and not self.corrections(w):
                for part in (w[:2], w[1:]):
                    if self.corrections(part):
                        out[part] = self.corrections(part)[0]
                        break
            elif self.corrections(w):
                out[w] = self.corrections(w)[0]
        return out

    def _one_off(self, word: str) -> list[str]:
        """Corpus words that differ from the word in one character of the same sound."""
        out = []
        for i, ch in enumerate(word):
            for other in self._same_sound(ch):
                candidate = word[:i] + other + word[i + 1:]
                if other != ch and self.in_corpus(candidate):
                    out.append(candidate)
        return list(dict.fromkeys(out))

    def _same_sound(self, ch: str) -> str:
        """The characters sharing a reading with ch (tones ignored), from a table in the user's cache:
        pypinyin's package import alone loads 50 MB of phrases this never reads."""
        return "".join(_SOUNDS.get(f"s:{s}") or "" for s in (_SOUNDS.get(f"c:{ch}") or "").split(",") if s)


def _pinyin_json() -> Path | None:
    spec = importlib.util.find_spec("pypinyin")  # found, not imported
    path = Path(spec.origin).parent / "pinyin_dict.json" if spec and spec.origin else None
    return path if path and path.exists() else None


def _sound_rows(path: Path):
    """"c:字" → its toneless readings, comma-separated; "s:reading" → the characters read so."""
    by_sound: dict[str, list[str]] = {}
    for code, readings in json.loads(path.read_text(encoding="utf-8")).items():
        code = int(code)
        if FIRST_CJK <= code <= LAST_CJK:
            sounds = list(dict.fromkeys(_toneless(r) for r in readings.split(",")))
            yield f"c:{chr(code)}", ",".join(sounds)
            for x in sounds:
                by_sound.setdefault(x, []).append(chr(code))
    for x, chars in by_sound.items():
        yield f"s:{x}", "".join(chars)


_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")


def _toneless(reading: str) -> str:
    return reading.strip().translate(_TONES)


_SOUNDS = WordTable("pinyin", _pinyin_json(), _sound_rows)
