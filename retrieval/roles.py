"""Who an obligation binds: the actors the corpus names (roles), whether a role the user names is
one of them (role_matches), and the scope of a lookup (docs_for_city). A name the corpus does not
hold raises ScopeError with a one-line message meant for the user."""
from __future__ import annotations

from collections.abc import Iterable

from .models import Obligation
from .obligations import actor_match
from .text import PUNCT, fold, truncate


class ScopeError(ValueError):
    """A lookup a user can correct (unknown city, role, part, document, article): one clear line."""


def _role_key(text: str) -> str:
    k = PUNCT.sub("", fold(text))
    for prefix in ("每个", "各"):
        if k.startswith(prefix) and len(k) > len(prefix) + 1:
            k = k[len(prefix):]
    return k


def actor_parts(actor: str) -> list[str]:
    """"市政府领导班子成员、经济发展服务部门主要负责人" → both actors; an obligation belongs to each."""
    return [p for p in (s.strip() for s in actor.split("、")) if p]


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def role_matches(role: str, actor: str) -> bool:
    """Whether an obligation's actor (possibly a list) includes the role.

    One actor of the list matches when it is the role (folded, 各/每个 and punctuation ignored); or it
    ends with the role ("热点部门主要负责人" is a "部门主要负责人"); or it holds the role's words in
    order with the same office ("市县两级政府领导班子成员" includes "市政府领导班子成员"); or nearly all
    of it is named by the role (actor_match). Never across a 非 ("非热点部门…" is not "热点部门…").
    """
    r = _role_key(role)
    if len(r) < 2:
        return False
    for part in actor_parts(actor):
        a = _role_key(part)
        if len(a) < 2:
            continue
        if a == r:
            return True
        if a.endswith(r) and not a[: -len(r)].endswith("非"):
            return True
        if len(r) >= 4 and a.startswith(r) and a[len(r):] in ("班子成员", "班子", "同志"):
            return True  # "市政府领导" for "市政府领导班子成员"
        if (len(r) >= 4 and a[-2:] == r[-2:] and _subsequence(r, a) and "非" not in a.replace(r, "", 1)
                and actor_match(part, r) >= 2 and actor_match(role, a) >= 0.6 * (len(r) - 1)):
            return True
        grams = len(a) - 1
        if grams >= 2 and actor_match(part, r) >= grams - 0.5 and r.endswith(a[-2:]):
            return True  # the role names the whole actor ("X市政府领导班子成员" → "市政府领导班子成员")
    return False


def roles(engine, city: str | None = None) -> list[str]:
    """The actors the documents in scope name, one per entry of an actor list, most duties first
    (the whole corpus's list was made at ingest: engine.digest)."""
    if city is None or city == "":
        return engine.digest["roles"]
    docs = docs_for_city(engine, city)
    return ranked_roles(o for o in engine.obligations if o.doc_number in docs)


def governed(role: str, known: list[str]) -> bool:
    """Whether some role of the corpus is the one named (role_matches): a duty can be found for it."""
    return any(role_matches(role, r) for r in known)


def nearest_roles(role: str, known: list[str], n: int = 4) -> list[str]:
    """The corpus's roles nearest a name it does not hold ("热点部门负责人" → 热点部门主要负责人 …): most
    character pairs in common (Dice), never across a 非 the name does not say."""
    r = _role_key(role)
    pairs = {r[i:i + 2] for i in range(len(r) - 1)}
    scored = []
    for name in known:
        k = _role_key(name)
        other = {k[i:i + 2] for i in range(len(k) - 1)}
        if not pairs or not other or ("非" in k) != ("非" in r):
            continue
        share = 2 * len(pairs & other) / (len(pairs) + len(other))
        if share > 0.2:
            scored.append((-share, len(k), name))
    return [name for *_, name in sorted(scored)[:n]]


def ranked_roles(duties: Iterable[Obligation]) -> list[str]:
    """The actors of the duties, one per entry of an actor list, most duties first."""
    counts: dict[str, int] = {}
    for o in duties:
        for part in actor_parts(o.actor):
            counts[part] = counts.get(part, 0) + 1
    return sorted(counts, key=lambda p: (-counts[p], p))


def city_list(engine) -> str:
    """The cities with documents, for messages: "甲、乙" (or "无")."""
    return "、".join(dict.fromkeys(d.city for d in engine.documents if d.city)) or "无"


def docs_for_city(engine, city: str | None) -> set[str]:
    """The 文号 of the documents in scope: all of them, or one city's (ScopeError if none)."""
    if city is None or city == "":
        return {d.doc_number for d in engine.documents}
    resolved = engine.resolve_city(city)
    if not resolved:
        raise ScopeError(f"还没有收录“{truncate(city, 20)}”的文件（已收录：{city_list(engine)}）。")
    return {d.doc_number for d in engine.documents if d.city == resolved}


def unknown_role(engine, role: str, docs: set[str]) -> ScopeError:
    """The error for a role no obligation in scope binds, naming the closest roles that exist."""
    names = roles(engine)
    names = [n for n in names if any(o.doc_number in docs and n in actor_parts(o.actor) for o in engine.obligations)]
    close = sorted(names, key=lambda n: -max(actor_match(n, _role_key(role)), actor_match(role, _role_key(n))))
    close = [n for n in close if max(actor_match(n, _role_key(role)), actor_match(role, _role_key(n))) > 0][:5]
    hint = f"相近的角色：{'、'.join(close)}" if close else f"例如：{'、'.join(names[:5])}"
    return ScopeError(f"文件里没有“{truncate(role, 20)}”这个角色的规定。{hint}")

