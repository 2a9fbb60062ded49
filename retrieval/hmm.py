"""jieba's HMM for words its dictionary lacks (jieba.finalseg), with jieba's own probability tables.

The same Viterbi and block splitting as jieba.finalseg, line for line; imported from here because
importing jieba.finalseg imports the jieba package, which imports pkg_resources (50 ms at every
start). The tables are jieba's modules, loaded from its package folder when first needed.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

MIN_FLOAT = -3.14e100
PREV_STATUS = {"B": "ES", "M": "MB", "S": "SE", "E": "BM"}
_RE_HAN = re.compile("([\u4E00-\u9FD5]+)")
_RE_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_tables: tuple | None = None


def _load() -> tuple:
    global _tables
    if _tables is None:
        folder = Path(importlib.util.find_spec("jieba").origin).parent / "finalseg"
        tables = []
        for name in ("prob_start", "prob_trans", "prob_emit"):
            spec = importlib.util.spec_from_file_location(f"_policybot_jieba_{name}", folder / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            tables.append(module.P)
        _tables = tuple(tables)
    return _tables


def _viterbi(obs: str) -> list[str]:
    start_p, trans_p, emit_p = _load()
    v = [{}]
    path = {}
    for y in "BMES":
        v[0][y] = start_p[y] + emit_p[y].get(obs[0], MIN_FLOAT)
        path[y] = [y]
    for t in range(1, len(obs)):
        v.append({})
        newpath = {}
        for y in "BMES":
            em_p = emit_p[y].get(obs[t], MIN_FLOAT)
            prob, state = max((v[t - 1][y0] + trans_p[y0].get(y, MIN_FLOAT) + em_p, y0) for y0 in PREV_STATUS[y])
            v[t][y] = prob
            newpath[y] = path[state] + [y]
        path = newpath
    _, state = max((v[len(obs) - 1][y], y) for y in "ES")
    return path[state]


def _cut_han(sentence: str) -> list[str]:
    out = []
    begin, nexti = 0, 0
    for i, pos in enumerate(_viterbi(sentence)):
        if pos == "B":
            begin = i
        elif pos == "E":
            out.append(sentence[begin:i + 1])
            nexti = i + 1
        elif pos == "S":
            out.append(sentence[i])
            nexti = i + 1
    if nexti < len(sentence):
        out.append(sentence[nexti:])
    return out


def cut(sentence: str) -> list[str]:
    """jieba.finalseg.cut: runs of Chinese characters cut by the HMM, the rest by letters and digits."""
    out: list[str] = []
    for blk in _RE_HAN.split(sentence):
        if _RE_HAN.match(blk):
            out.extend(_cut_han(blk))
        else:
            out.extend(x for x in _RE_SKIP.split(blk) if x)
    return out
