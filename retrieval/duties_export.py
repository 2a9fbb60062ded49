"""A duty list as files: a printable HTML page (duties_html) and an iCalendar file with one
recurring event per periodic duty (duties_ics), each duty described with its citation."""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import re

from .duties import QUARTERS, Duty, DutyList, where
from .periods import rrule_for
from .statements import normalize
from .text import truncate

def _first_date(duty: Duty, start: dt.date) -> dt.date:
    """Where the series begins: the stated day (每月20日) or quarter (每年一季度), else the first day of
    its period on or after the start: a week's Monday, a quarter's first month (1, 4, 7, 10), a half
    year's (1, 7), a year's January."""
    o = duty.obligation
    if o.date:
        m = re.fullmatch(r"每月(\d{1,2})日.*", normalize(o.date))
        if m and 1 <= int(m.group(1)) <= 28:
            d = start.replace(day=int(m.group(1)))
            return d if d >= start else (d.replace(month=d.month % 12 + 1, year=d.year + (d.month == 12)))
        if o.date in QUARTERS:
            month = 3 * QUARTERS.index(o.date) + 1
            d = dt.date(start.year, month, 1)
            return d if d >= start.replace(day=1) else d.replace(year=d.year + 1)
    return period_start(rrule_for(duty.period) or {}, start)


def period_start(rule: dict, start: dt.date) -> dt.date:
    """The first day on or after start that opens a period of the rule's rhythm."""
    freq, interval = rule.get("FREQ"), rule.get("INTERVAL", 1)
    if freq == "WEEKLY" and "BYDAY" not in rule:
        return start + dt.timedelta(days=(7 - start.weekday()) % 7)
    if freq == "YEARLY" or (freq == "MONTHLY" and interval in (3, 6, 12)):
        months = 12 if freq == "YEARLY" else interval
        index = start.year * 12 + start.month - 1 + (start.day > 1)  # months since year 0, the next whole one
        index += -index % months
        return dt.date(index // 12, index % 12 + 1, 1)
    if freq == "MONTHLY" and start.day > 1:
        return (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return start


def duties_ics(dl: DutyList, start: dt.date | None = None, stamp: dt.datetime | None = None) -> bytes:
    """An iCalendar file: one all-day recurring event (RRULE) per periodic duty, described with its
    citation. start: the first day of each series (default: the first day of next month)."""
    from icalendar import Calendar, Event, vRecur

    today = dt.date.today()
    start = start or (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//PolicyBot//duties//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", dl.title())
    for duty in dl.duties:
        rule = rrule_for(duty.period)
        if rule is None:
            continue
        c = duty.citation
        first = _first_date(duty, start)
        ev = Event()
        uid_key = f"{c.doc_number}|{duty.obligation.article_index}|{normalize(duty.obligation.clause)}|{duty.period}|{dl.role}"
        ev.add("uid", hashlib.sha1(uid_key.encode("utf-8")).hexdigest()[:20] + "@policybot")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", first)
        ev.add("dtend", first + dt.timedelta(days=1))
        ev.add("rrule", vRecur(rule))
        ev.add("summary", f"{duty.period}：{truncate(duty.text, 60)}")
        ev.add("description", f"{duty.text}\n依据：{where(c)}\n原文：“{c.quote}”")
        ev.add("categories", [duty.period])
        ev.add("transp", "TRANSPARENT")
        cal.add_component(ev)
    return cal.to_ical()


def duties_html(dl: DutyList) -> str:
    """A printable page (A4, one section per period), every piece of text escaped."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(dl.title())}</title>",
        "<style>",
        "body{font-family:'Noto Serif CJK SC','Songti SC','SimSun',serif;max-width:48em;margin:2em auto;"
        "line-height:1.6;color:#000}",
        "h1{font-size:1.4em;border-bottom:2px solid #000;padding-bottom:.3em}",
        "h2{font-size:1.15em;margin-top:1.5em;border-left:4px solid #000;padding-left:.5em}",
        "ol{padding-left:1.8em}li{margin:.5em 0;page-break-inside:avoid;break-inside:avoid}",
        # a period's heading never ends a printed page without its first duty under it
        "h2{page-break-after:avoid;break-after:avoid}h2+ol>li:first-child{page-break-before:avoid;break-before:avoid}",
        ".cite{font-size:.85em;color:#444}.box{display:inline-block;width:1em;height:1em;border:1px solid #000;"
        "margin-right:.4em;vertical-align:middle}",
        "@media print{body{margin:0;max-width:none}@page{size:A4;margin:2cm}}",
        "</style>",
        "</head>",
        "<body>",
        f"<h1>{e(dl.title())}</h1>",
        f"<p>共{len(dl.duties)}项。依据：{e('、'.join(dl.documents))}</p>",
    ]
    if not dl.duties:
        parts.append("<p>文件里没有这个角色按周期要做的事。</p>")
    for period, ds in dl.groups:
        parts.append(f"<section><h2>{e(period)}</h2><ol>")
        for d in ds:
            parts.append(f'<li><span class="box"></span>{e(d.text)}<br><span class="cite">依据：{e(where(d.citation))}'
                         f"<br>原文：“{e(d.citation.quote)}”</span></li>")
        parts.append("</ol></section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)

