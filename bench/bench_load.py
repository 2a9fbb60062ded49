#!/usr/bin/env python3
"""Load benchmark: `policybot serve` against the fake Bot API, this version and a baseline version of
the code in the same run, under the same load.

    .venv/bin/python bench/bench_load.py [--baseline REF] [--no-baseline]

Scenarios (rate limit off, so that every question is answered and the figures compare like with like):
  50 users    50 private users ask 1,100 questions in 10 s, evenly spread
  busy group  50 @mentions arrive at once in one group (Telegram lets a bot send ~20 messages a
              minute there), while 8 private users ask 5 questions each over 4 s: the private users'
              latency is the figure; the group is answered at its own pace
Telegram allows a bot about 30 messages a second in all, and AIORateLimiter keeps to that: 30 answers/s is
the ceiling (the baseline's typing indicator spent half of it).
Figures: answers/s, p50 and p99 latency (push → the answer's sendMessage at the fake), unanswered
after the wait, peak RSS of the serve process. The baseline is a git ref (default: 595de96, the last
commit before issue 13), checked out into a temporary worktree and run with this venv's packages.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakebotapi import FakeBotAPI  # noqa: E402
from tests.load import LoadResult, drive, mentions, steady, users  # noqa: E402

BASELINE = "595de96"  # the last commit before issue 13 (one update at a time, acknowledged before handling)


def serve(code: Path, config: Path) -> subprocess.Popen:
    """`policybot serve` from the code at `code` (this checkout or a worktree of the baseline)."""
    run = f"import sys; sys.path.insert(0, {str(code)!r}); from cli.main import main; sys.exit(main())"
    env = dict(os.environ, NO_PROXY="127.0.0.1", PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.Popen([sys.executable, "-c", run, "serve", "--config", str(config)], cwd=config.parent,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def scenario(code: Path, name: str, wait: float) -> tuple[LoadResult, float]:
    fake = FakeBotAPI().start()
    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    config = tmp / "config.yaml"
    config.write_text(f'telegram:\n  token: "{fake.token}"\n  base_url: "{fake.base_url}"\n'
                      'database: "data/bot.sqlite3"\nrate_limit_per_minute: 0\n', encoding="utf-8")
    proc = serve(code, config)
    try:
        await fake.wait("setMyCommands", timeout=120)
        if name == "50 users":
            plan, watch = steady(users(50), 22, 10.0), None
        else:
            group, private = fake.group_chat(), users(8, first_id=7000)
            plan = mentions(fake, users(50), 50, group) + steady(private, 5, 4.0)
            for ask in plan[50:]:
                ask.at += 0.2
            watch = {u["id"] for u in private}
        result = await drive(fake, plan, watch=watch, timeout=wait)
        return result, peak_rss_mb(proc.pid)
    finally:
        proc.send_signal(signal.SIGKILL)  # a baseline with minutes of backlog would take that long to stop
        proc.wait()
        fake.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--baseline", default=BASELINE, help="git ref of the baseline (default %(default)s)")
    ap.add_argument("--no-baseline", action="store_true", help="measure this version only")
    ap.add_argument("--wait", type=float, default=90, help="seconds to wait for the answers (default 90)")
    args = ap.parse_args()
    versions = [("current", ROOT)]
    worktree = None
    if not args.no_baseline:
        worktree = Path(tempfile.mkdtemp(prefix="bench-baseline-")) / "code"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), args.baseline],
                       check=True, capture_output=True)
        versions.insert(0, (f"baseline {args.baseline}", worktree))
    figures: dict[tuple[str, str], LoadResult] = {}
    try:
        for label, code in versions:
            for name in ("50 users", "busy group"):
                result, rss = asyncio.run(scenario(code, name, args.wait))
                figures[label, name] = result
                print(f"{label:>18} | {name:<10} | {result.line()} | peak RSS {rss:.0f} MB", flush=True)
    finally:
        if worktree is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], capture_output=True)
    if len(versions) == 2:
        base, cur = versions[0][0], "current"
        for name in ("50 users", "busy group"):
            b, c = figures[base, name], figures[cur, name]
            rate = (f"×{c.answers_per_second / b.answers_per_second:.2f}" if b.answers_per_second
                    else "(the baseline answered none in the wait)")
            print(f"ratio current/baseline, {name}: answers/s {rate}, p50 ×{c.percentile(50) / b.percentile(50):.2g}, "
                  f"p99 ×{c.percentile(99) / b.percentile(99):.2g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
