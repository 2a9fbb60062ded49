"""Small talk and questions about the bot itself (你好, 谢谢, 你是谁, 你能做什么, 收到): a short friendly
reply saying what the loaded corpus can answer, never a search of the documents. The wordings and
replies are data (corpus/lexicon/small_talk.yaml)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .corpus import read_vocabulary

INTENT = "small_talk"
MAX_LENGTH = 20  # characters: longer messages ask something


@dataclass(frozen=True)
class Kind:
    name: str
    says: re.Pattern
    reply: str


@lru_cache(maxsize=4)
def _kinds(corpus_dir: Path | None = None) -> tuple[re.Pattern, tuple[Kind, ...]]:
    data = read_vocabulary("small_talk.yaml", corpus_dir)
    fillers = re.compile("|".join(f"(?:{f})" for f in data["fillers"]), re.I)
    kinds = tuple(Kind(k["name"], re.compile("(?:" + "|".join(k["says"]) + ")", re.I), k["reply"])
                  for k in data["kinds"])
    return fillers, kinds


_NOISE = re.compile(r"[\s\W_]+")  # punctuation, spaces: "你好！", "谢谢~~", "ok."


def kind_of(text: str, corpus_dir: Path | None = None) -> Kind | None:
    """The kind of small talk a message is, or None when it asks something. "你好，谢谢" is small talk
    all through (each piece one kind or another) and takes the kind of its last piece."""
    if not text or len(text.strip()) > MAX_LENGTH:
        return None
    fillers, kinds = _kinds(corpus_dir)

    def kind(piece: str) -> Kind | None:
        bare = _NOISE.sub("", piece) or piece  # "？？" alone is no small talk, "👍" is
        for form in (bare, fillers.sub("", bare)):
            found = next((k for k in kinds if form and k.says.fullmatch(form)), None)
            if found:
                return found
        return None

    message = text.strip().lower()
    whole = kind(message)
    if whole is not None:
        return whole
    pieces = [p for p in re.split(r"[，,。.!！?？\s]+", message) if p]
    found = [kind(p) for p in pieces]
    return found[-1] if len(pieces) > 1 and all(found) else None


def reply(kind: Kind, hint: str) -> str:
    return kind.reply.replace("{hint}", hint)
