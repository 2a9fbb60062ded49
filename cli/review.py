"""`policybot review [--since DATE] --csv FILE`: the review queue a maintainer works through — every
unanswered question and every answer someone marked 👎 (with why), with what was answered and cited —
from the bot's database."""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import sys
from pathlib import Path

from bot.store import Store, StoreError

from .common import database, fail

COLUMNS = [("why", "类别"), ("at", "时间（UTC）"), ("source", "来源"), ("city", "城市"), ("role", "身份"),
           ("question", "问题"), ("intent", "意图"), ("answer", "回答"), ("doc_number", "文号"), ("article", "条款"),
           ("thumbs_down", "👎 次数"), ("reasons", "👎 原因")]


def review_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for _, name in COLUMNS])
    for row in rows:
        writer.writerow(["" if row.get(k) is None else row[k] for k, _ in COLUMNS])
    return out.getvalue()


def cmd_review(args) -> int:
    since = None
    if args.since:
        try:
            since = dt.date.fromisoformat(args.since).isoformat()
        except ValueError:
            return fail("review", f"--since {args.since}：日期写成 2026-11-01 这样", 2)
    path = Path(args.db) if args.db else database(args)
    if not path.is_file():
        return fail("review", f"没有找到数据库 {path}：用 --db 文件 或 --config 配置文件 指出机器人的数据库", 2)
    try:
        store = Store(path)
        rows = store.review(since)
        store.close()
    except StoreError as exc:
        return fail("review", str(exc), 2)
    text = review_csv(rows)
    if args.csv == "-":
        sys.stdout.write(text)
    else:
        target = Path(args.csv)
        tmp = target.with_name(f".{target.name}.tmp")
        try:  # Excel reads UTF-8 with a BOM; the rename leaves no half-written file
            tmp.write_text(text, encoding="utf-8-sig")
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            return fail("review", f"无法写入 {target}：{exc.strerror or exc}", 1)
    unanswered = sum(1 for r in rows if r["why"] == "未回答")
    print(f"复核清单：{len(rows)} 条（未回答 {unanswered}，👎 {len(rows) - unanswered}）"
          + (f"，{since} 起" if since else "") + ("" if args.csv == "-" else f" → {args.csv}"),
          file=sys.stderr if args.csv == "-" else sys.stdout)
    return 0


def add_command(sub) -> None:
    p = sub.add_parser("review", help="导出未回答和被点 👎 的问题（复核清单，CSV）",
                       description="从机器人的数据库导出复核清单：未回答的问题和被点 👎 的回答，"
                                   "附回答、引用的条款和 👎 的原因。")
    p.add_argument("--csv", required=True, metavar="文件", help="写入的 CSV 文件（- 表示标准输出）")
    p.add_argument("--since", metavar="日期", help="只导出这一天（含）之后的问题，如 2026-11-01")
    p.add_argument("--config", metavar="文件", help="配置文件（使用其中的 database）")
    p.add_argument("--db", metavar="文件", help="数据库文件（代替 --config）")
    p.set_defaults(func=cmd_review)
