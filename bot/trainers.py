"""The trainers' views in Telegram: a role's duty list with its calendar file (/duties) and one
article compared across two cities (/compare). The quiz has its own module, bot/quiz.py."""
from __future__ import annotations


from retrieval.comparison import compare_article, mark
from retrieval.duties import duties
from retrieval.duties_export import duties_ics
from retrieval.roles import ScopeError
from retrieval.text import article_number

from . import render as R
from .render import Block, Reply, esc
from .context import ServiceContext


MAX_ROLE = 40  # characters of a role name a user may give


class Trainers:
    def __init__(self, service: ServiceContext):
        self.service = service

    @property
    def engine(self):
        return self.service.engine

    def duties(self, user_id: str, args: list[str]) -> Reply:
        """/duties [role]: the role's periodic duties (default: the user's role) and a .ics file."""
        settings = self.service.store.user(user_id)
        role = " ".join(args).strip() or settings.role
        if not role:
            return R.reply(Block(f"请告诉我是哪个身份：/duties 身份，例如 /duties {self.service.examples.role}。"
                                 "（或先用 /role 设置身份。）"),
                           Block("文件里规定职责最多的身份：" + "、".join(self.service.role_examples())))
        if len(role) > MAX_ROLE:
            return R.reply(Block(f"身份名称太长了（最多{MAX_ROLE}个字）。"))
        try:
            dl = duties(self.engine, role, settings.city)
        except ScopeError as exc:
            return R.reply(Block(str(exc)))
        lists = [dl]
        if not settings.city:  # no city known (a group, a new user): each city's own list, never one mixed
            cities = sorted({self.engine.by_number[d.citation.doc_number].city for d in dl.duties} - {""})
            if len(cities) > 1:
                lists = [d for d in (self._city_duties(role, c) for c in cities) if d is not None]
        texts = [t for d in lists for t in R.duties_text(d.role, d.city, d.groups)]
        if len(lists) > 1:
            texts.insert(0, esc(f"没有设置城市：以下按城市分别列出（{'、'.join(d.city for d in lists)}），"
                                "每个城市一个日历文件。/city 设置城市后只看你的。"))
        files = [(f"duties-{d.city}.ics" if len(lists) > 1 else "duties.ics", duties_ics(d),
                  esc(f"{d.title()}（日历文件，可导入手机或电脑日历）")) for d in lists if d.duties]
        return Reply(texts, files=files)

    def _city_duties(self, role: str, city: str):
        try:
            return duties(self.engine, role, city)
        except ScopeError:
            return None

    def compare(self, user_id: str, args: list[str]) -> Reply:
        """/compare N [city A city B]: article N in two cities' documents (default: the user's city
        and the one its documents are issued under)."""
        ex = self.service.examples
        number = ex.compare or ex.article or 1
        usage = f"用法：/compare 条号 [城市A 城市B]，例如 /compare {number}"
        usage += f" 或 /compare {number} {' '.join(ex.cities)}。" if ex.cities else "。"
        if not args:
            return R.reply(Block(usage))
        number = article_number(args[0])
        if number is None:
            return R.reply(Block(f"“{R.clip(args[0], 20)}”不是条号。{usage}"))
        cities = [c for c in args[1:] if c.strip()]
        if not cities:
            cities = self.default_pair(self.service.store.user(user_id).city)
        elif len(cities) == 1:
            cities = [cities[0]] + [c for c in self.default_pair(cities[0]) if c != self.engine.resolve_city(cities[0])][:1]
        if len(cities) < 2:
            return R.reply(Block("收录的文件里没有两个城市可以比较。"))
        try:
            cmp = compare_article(self.engine, number, cities[:2])
        except ScopeError as exc:
            return R.reply(Block(str(exc)), Block(usage))
        head = cmp.articles[0].heading or cmp.articles[1].heading
        marker = lambda a, b: mark(a, b, "\x01", "\x02")  # noqa: E731 - render underlines between these
        return Reply(R.comparison_text(number, cmp.cities, cmp.rows, head, marker))

    def default_pair(self, city: str | None) -> list[str]:
        """The user's city and the one its documents are issued under (else the first two cities)."""
        cities = list(self.engine.cities)
        city = self.engine.resolve_city(city) if city else None
        if city:
            parents = [self.engine.by_number[d.meta.parent].city for d in self.engine.documents
                       if d.city == city and d.meta.parent in self.engine.by_number]
            others = [c for c in dict.fromkeys(parents + cities) if c and c != city]
            return [city] + others[:1]
        by_level = sorted(cities, key=lambda c: next((d.meta.level != "县级市" for d in self.engine.documents
                                                      if d.city == c), True))
        return by_level[:2]
