"""China's administrative divisions (province → city → county), from the cpca package's adcode table.

A document belongs to a place (its issuer's), an asker to a place (their setting); a document governs
an asker when its place is the asker's or contains it: a user of 青岛 is scoped to 青岛's and 山东省's
documents, never to 济南's. Adcodes nest by their digits: 370000 山东省 ⊃ 370200 青岛市 ⊃ 370211 黄岛区.
The table is read from cpca's resources without importing cpca (which would load pandas).
"""
from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text import fold

# Longest first: "自治州" before "州", "新区" before "区".
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "地区", "盟",
             "省", "市", "县", "区", "旗")


# Rows of the table that group places rather than name one: 市辖区, 县, 省直辖县级行政区划.
_PLACEHOLDER = re.compile(r"^(?:市辖区|县|市)$|直辖县级行政区划")
_PARTY = re.compile(r"(?:中共|中国共产党)?")


@dataclass(frozen=True)
class Place:
    code: str  # 6-digit adcode: 370685
    name: str  # 昆山市
    short: str  # 昆山

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        return "city" if self.code.endswith("00") else "county"

    def ancestors(self) -> list[str]:
        """Codes of the places that contain this one, nearest first."""
        out = []
        if self.level == "county":
            out.append(self.code[:4] + "00")
        if self.level != "province":
            out.append(self.code[:2] + "0000")
        return out

    def within(self, other: "Place") -> bool:
        """This place is other or lies inside it."""
        return self.code == other.code or other.code in self.ancestors()


def short_name(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def table_path() -> Path | None:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    return path if path.exists() else None


class Places:
    def __init__(self, rows: list[tuple[str, str]]):
        self.by_code: dict[str, Place] = {}
        self._by_name: dict[str, list[Place]] = {}
        for code, name in rows:
            p = Place(code, name, short_name(name))
            self.by_code[code] = p
            for key in {fold(name), fold(p.short)}:
                self._by_name.setdefault(key, []).append(p)
        # A county or county-level city since made a district (临安市 → 临安区, 2017) is written with 区 in
        # documents newer than the table: the new name means the old place, unless it names another.
        for p in list(self.by_code.values()):
            if p.level == "county" and p.name.endswith(("市", "县")) and len(p.short) >= 2:
                self._by_name.setdefault(fold(p.short + "区"), [p])
        self._longest = max(map(len, self._by_name), default=0)

    def named(self, name: str, within: Place | None = None) -> Place | None:
        """The place a name means ("昆山", "昆山市", "江苏"); ambiguous names prefer higher levels,
        or the one inside `within`."""
        cands = self._by_name.get(fold(name or "").strip(), [])
        if within:
            inside = [p for p in cands if p.within(within)]
            cands = inside or cands
        return min(cands, key=lambda p: (p.level != "province", p.level != "city", p.code), default=None)

    def leading(self, text: str) -> Place | None:
        """The most specific place a name opens with: "泉州市丰泽区人民政府" → 丰泽区, "山东省人大常委会" → 山东省."""
        if not self._longest:
            return None
        text, place = fold(text or ""), None
        pos = len(_PARTY.match(text).group(0))
        while True:
            name = self._name_at(text, pos)
            if not name:
                return place
            found = self.named(name, within=place)
            if found is None or (place and not found.within(place)):
                return place
            place, pos = found, pos + len(name)
            if text.startswith(("省", "市", "县", "区"), pos):
                pos += 1


    def _name_at(self, text: str, pos: int) -> str:
        """The longest place name at a position ("" for none)."""
        for n in range(min(self._longest, len(text) - pos), 0, -1):
            if text[pos:pos + n] in self._by_name:
                return text[pos:pos + n]
        return ""


@lru_cache(maxsize=1)
def places() -> Places:
    path = table_path()
    rows: list[tuple[str, str]] = []
    if path:
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if not _PLACEHOLDER.search(row["name"]):
                    rows.append((row["adcode"][:6], row["name"]))
    return Places(rows)
