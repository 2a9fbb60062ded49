#!/usr/bin/env python3
"""Re-check questions.jsonl against the reference texts in docs/.

Copied from shared/corpora/local/check_questions.py; the only change is that 千克/公斤 are folded to
kg before numerals are folded (otherwise the 千 of 千克 is read as a numeral).

For every answerable question:
  * `quote` is an exact substring of the document's reference .txt (docs/<stem>.txt);
  * the quote lies inside the stated article: for 第X条 documents the span from the line
    "第X条" to the next 第…条/章/节 line; for 一、 documents the span of item X (or, where
    `where` names a sub-item such as "一、1、" or "四、(一)", that sub-item);
  * every `expect_any` string appears, in some spelling, in the quote or in the article text.
    "Some spelling" means: Chinese numerals folded to digits (三十日 = 30日, 一点五米 = 1.5米,
    五分之一 = 1/5, 百分之十 = 10%, 一百万元 = 1000000元), 天 = 日, 到 = 至, 人民政府 = 政府,
    "X以上Y以下" = "X至Y", 千克 = 公斤 = kg, counters 个/名/位 after a number = 人; and yes/no answer words count
    when a word of the same class is in the text (不能/不可以/禁止/不得 …, 可以/能/允许/有权 …,
    免收/免费/不收费 …, 每月/按月, 不重新/不需要/不用, 不会/不受, 会/应当).
For every unanswerable question: `article` is null and `expect_any` is empty.
Also: ids are unique, `type` is a known type, the ingest `file` exists, and every document has
at least one question.

Run: python3 check_questions.py   (exit 0 when every question checks out)
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TYPES = {"frequency", "quantity", "deadline", "advance", "date", "place", "who", "yesno",
         "procedure", "threshold", "penalty", "definition", "list", "lookup"}
DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
         "七": 7, "八": 8, "九": 9}
UNIT = {"十": 10, "百": 100, "千": 1000}
NUMCH = "零〇一二两三四五六七八九十百千万"
CLASSES = [
    {"不得", "不能", "不可以", "不允许", "禁止", "严禁", "不准", "不行", "不可", "不接待"},
    {"可以", "能", "允许", "让", "有权"},
    {"有权拒绝", "可以拒绝"},
    {"免收", "免费", "不收", "不收费", "不得收费", "不要"},
    {"每月", "按月"},
    {"不重新", "不需要", "不用", "不必"},
    {"不会", "不受"},
    {"会", "应当"},
]
ALIASES = {"发改": "发展改革"}


def cn_to_int(s):
    """Chinese numeral (一万二千三百 / 三十 / 十五 / 二〇二二) to int."""
    if all(c in DIGIT for c in s) and len(s) > 1:           # digit-by-digit: 二〇二二
        return int("".join(str(DIGIT[c]) for c in s))
    total, section, num = 0, 0, 0
    for c in s:
        if c in DIGIT:
            num = DIGIT[c]
        elif c in UNIT:
            section += (num or 1) * UNIT[c]
            num = 0
        elif c == "万":
            total += (section + num) * 10000
            section, num = 0, 0
    return total + section + num


def canon(text):
    t = text
    for a, b in ALIASES.items():
        t = t.replace(a, b)
    t = t.replace("人民政府", "政府")
    t = t.replace("千克", "kg").replace("公斤", "kg")   # keep 千 of 千克 out of numeral folding
    t = re.sub(r"百分之([%s]+)" % NUMCH, lambda m: "%d%%" % cn_to_int(m.group(1)), t)
    t = re.sub(r"([%s]+)分之([%s]+)" % (NUMCH, NUMCH),
               lambda m: "%d/%d" % (cn_to_int(m.group(2)), cn_to_int(m.group(1))), t)
    t = re.sub(r"([%s]+)点([%s]+)" % (NUMCH, NUMCH),
               lambda m: "%d.%s" % (cn_to_int(m.group(1)), "".join(str(DIGIT[c]) for c in m.group(2))), t)
    t = re.sub(r"(\d+(?:\.\d+)?)万", lambda m: str(int(float(m.group(1)) * 10000)), t)
    t = re.sub(r"[%s][%s]*" % (NUMCH[:-1], NUMCH), lambda m: str(cn_to_int(m.group(0))), t)
    t = t.replace("天", "日").replace("到", "至")
    t = re.sub(r"(\d+)[个名位]", r"\1人", t)
    t = re.sub(r"(\d+(?:\.\d+)?)([^\d以至]{0,3}?)以上(\d+(?:\.\d+)?)\2以下", r"\1\2至\3\2", t)
    t = re.sub(r"(\d+)([日元人年米])至(\d+)\2", r"\1至\3\2", t)
    return "".join(t.split())


def cn(n):
    ch = "零一二三四五六七八九"
    if n < 10:
        return ch[n]
    if n < 20:
        return "十" + (ch[n % 10] if n % 10 else "")
    if n < 100:
        return ch[n // 10] + "十" + (ch[n % 10] if n % 10 else "")
    rest = n % 100
    out = ch[n // 100] + "百"
    if rest == 0:
        return out
    if rest < 10:
        return out + "零" + ch[rest]
    return out + ch[rest // 10] + "十" + (ch[rest % 10] if rest % 10 else "")


def span(lines, start_re, stop_re):
    out, on = [], False
    for line in lines:
        if on and re.match(stop_re, line):
            break
        if not on and re.match(start_re, line):
            on = True
        if on:
            out.append(line)
    return "\n".join(out) if out else None


def article_text(text, article, where):
    lines = text.split("\n")
    if re.search(r"^\s*第[一二三四五六七八九十百]+条", text, re.M):
        if article is None:
            return None
        return span(lines, r"^\s*第%s条" % cn(article), r"^\s*第[一二三四五六七八九十百零]+[条章节]")
    part_stop = r"^\s*[一二三四五六七八九十]+、"
    m = re.match(r"([一二三四五六七八九十]+)、(.*)", where or "")
    part = m.group(1) if m else (cn(article) if article else None)
    if part is None:
        return None
    ptext = span(lines, r"^\s*%s、" % part, part_stop)
    if ptext is None or not m:
        return ptext
    sub = m.group(2)
    if re.match(r"\d+、", sub):                       # 一、1、
        num = sub.split("、")[0]
        return span(ptext.split("\n"), r"^\s*%s、" % num, r"^\s*(\d+、|[一二三四五六七八九十]+、)") or ptext
    if re.match(r"[（(][一二三四五六七八九十]+[)）]", sub):   # 四、(一)
        num = re.match(r"[（(]([一二三四五六七八九十]+)[)）]", sub).group(1)
        return span(ptext.split("\n"), r"^\s*[（(]%s[)）]" % num,
                    r"^\s*([（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、)") or ptext
    return ptext


def expect_ok(e, hay):
    h = canon(hay)
    if canon(e) in h:
        return True
    for cls in CLASSES:
        if e in cls and any(w in hay for w in cls):
            return True
    return False


def main(here: str = HERE):
    """Check the question set in folder `here` (this one by default; tests/data/unseen2 runs it on its own)."""
    qfile = os.path.join(here, "questions.jsonl")
    questions = [json.loads(l) for l in open(qfile, encoding="utf-8") if l.strip()]
    docs_listed = [l.strip() for l in open(os.path.join(here, "ingest_files.txt"), encoding="utf-8")
                   if l.strip() and not l.startswith("#")]
    errors, seen = 0, set()
    for r in questions:
        problems = []
        if r["id"] in seen:
            problems.append("duplicate id")
        seen.add(r["id"])
        if r.get("type") not in TYPES:
            problems.append(f"unknown type {r.get('type')!r}")
        if not os.path.exists(os.path.join(here, r["file"])):
            problems.append("ingest file missing")
        if r["file"] not in docs_listed:
            problems.append("file not in ingest_files.txt")
        ref = os.path.join(here, os.path.splitext(r["file"])[0] + ".txt")
        text = open(ref, encoding="utf-8").read()
        if r["answerable"]:
            q = r.get("quote", "")
            if not q or q not in text:
                problems.append("quote not in text")
            art = article_text(text, r["article"], r.get("where"))
            if r["article"] is not None or art is not None:
                if art is None:
                    problems.append(f"article {r['article']} not found")
                elif q not in art:
                    problems.append(f"quote not inside article {r['article']} ({r.get('where')})")
            hay = q + "\n" + (art or "")
            bad = [e for e in r["expect_any"] if not expect_ok(e, hay)]
            if not r["expect_any"]:
                problems.append("no expect_any")
            if bad:
                problems.append(f"expect_any not in quote/article: {bad}")
        else:
            if r["article"] is not None or r["expect_any"]:
                problems.append("unanswerable question with article/expect_any")
        if problems:
            errors += 1
            print(r["id"], r["q"], "->", "; ".join(problems))
    without = [f for f in docs_listed if f not in {r["file"] for r in questions}]
    for f in without:
        errors += 1
        print(f, "-> no questions")
    n_ans = sum(r["answerable"] for r in questions)
    print(f"{len(questions)} questions ({n_ans} answerable, {len(questions) - n_ans} unanswerable) "
          f"on {len(docs_listed)} documents: " + ("all check out" if not errors else f"{errors} with problems"))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
