#!/usr/bin/env python3
"""Seed-corpus benchmark: start-up time and per-question latency, PolicyBot vs plain rank-bm25.

    .venv/bin/python bench/bench_seed.py [--repeat 20]

Run it from the dev venv (`pip install -e '.[test]'`): rank-bm25, the baseline, comes with the test extra.

Baseline (same run, same questions): rank-bm25 BM25Okapi over the raw article text of the bundled
documents, tokenized with stock jieba.lcut_for_search; a question costs one tokenization and one
get_scores. PolicyBot does more per question (intents, obligations, coverage, citations), so the
ratio says what that costs. Also reports how often each one's top article is a gold article of the
dev questions (answerable ones), to show what the extra work buys.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEV = ROOT.parent / "shared" / "eval" / "dev_questions.jsonl"
OWN = ROOT / "tests" / "data" / "paraphrases.jsonl"


def questions() -> list[dict]:
    out = []
    for path in (DEV, OWN):
        if path.exists():
            out += [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20, help="passes over the question set")
    args = ap.parse_args()
    qs = questions()

    import jieba
    from rank_bm25 import BM25Okapi

    from retrieval.corpus import bundled_corpus_dir, load_documents
    from retrieval.engine import Engine

    jieba.setLogLevel(60)
    jieba.initialize()

    # start-up: load + index, in process (median of 5), and a whole CLI process answering one question
    ours_start = timed(lambda: Engine.load(), 5)
    docs = load_documents(bundled_corpus_dir())
    articles = [a for d in docs for a in d.articles]

    def baseline_load():
        return BM25Okapi([jieba.lcut_for_search(a.body) for a in articles])

    base_start = timed(baseline_load, 5)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli.main", "ask", "多久开展一次一线办公？"], cwd=ROOT,
                   capture_output=True, check=True)
    cli_first_answer = time.perf_counter() - t

    engine = Engine.load()
    bm25 = baseline_load()

    def ours(q):
        return engine.ask(q["q"], city=q.get("city"))

    def base(q):
        scores = bm25.get_scores(jieba.lcut_for_search(q["q"]))
        return articles[int(scores.argmax())]

    ours_lat, base_lat = [], []
    for _ in range(args.repeat):
        for q in qs:
            t = time.perf_counter(); ours(q); ours_lat.append(time.perf_counter() - t)
            t = time.perf_counter(); base(q); base_lat.append(time.perf_counter() - t)

    def top1(fn_doc_article) -> float:
        gold_qs = [q for q in qs if q["answerable"] and q["gold"]]
        hits = 0
        for q in gold_qs:
            doc, art = fn_doc_article(q)
            hits += any(g["doc"] == doc and (g["article"] is None or g["article"] == art) for g in q["gold"])
        return hits / len(gold_qs)

    def ours_top(q):
        a = ours(q)
        return (a.citations[0].doc_number, a.citations[0].article) if a.citations else (None, None)

    def base_top(q):
        a = base(q)
        return a.doc_number, a.number

    rows = [
        ("start-up, load + index (median of 5)", f"{statistics.median(ours_start)*1000:.0f} ms",
         f"{statistics.median(base_start)*1000:.0f} ms"),
        ("CLI process, start to first answer", f"{cli_first_answer*1000:.0f} ms", "–"),
        ("per question, median", f"{statistics.median(ours_lat)*1000:.2f} ms",
         f"{statistics.median(base_lat)*1000:.2f} ms"),
        ("per question, p99", f"{pct(ours_lat, 99)*1000:.2f} ms", f"{pct(base_lat, 99)*1000:.2f} ms"),
        ("top article is gold (answerable questions)", f"{top1(ours_top):.0%}", f"{top1(base_top):.0%}"),
    ]
    print(f"seed corpus: {len(docs)} documents, {len(articles)} articles; {len(qs)} questions × {args.repeat}")
    print("| measure | PolicyBot | plain rank-bm25 |\n|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} |")
    ratio = statistics.median(ours_lat) / statistics.median(base_lat)
    print(f"\nper-question median ratio PolicyBot / baseline: {ratio:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
