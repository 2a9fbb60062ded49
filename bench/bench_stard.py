#!/usr/bin/env python3
"""Scale benchmark: PolicyBot's retriever vs plain rank-bm25 on the same articles, in one run.

    .venv/bin/python bench/bench_stard.py                      # STARD laws (1,322 documents) and the seeds
    .venv/bin/python bench/bench_stard.py --limit 300          # fewer STARD questions, quicker

Run it from the dev venv (`pip install -e '.[test]'`): rank-bm25, the baseline, comes with the test extra.

For each corpus it prints: ingest time, index size, start-up time (a fresh process loading the
corpus and answering one question), per-question median and p99, peak memory (max RSS of that
process), and on STARD MRR@10 / hit@1/3/10 over ../shared/corpora/stard/train_queries.jsonl.

Baseline: rank-bm25 BM25Okapi over each article's text tokenized with jieba.lcut_for_search, as the
STARD reference does; it tokenizes the whole corpus at every start. Every measurement runs in its
own process so memory and start-up are not shared.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
STARD = SHARED / "corpora" / "stard"
POLICYBOT = [sys.executable, "-m", "cli.main"]


def fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def queries(limit: int) -> list[dict]:
    qs = [json.loads(x) for x in (STARD / "train_queries.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    return qs[:limit] if limit else qs


def seed_queries() -> list[dict]:
    path = SHARED / "eval" / "dev_questions.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


# ---- the child processes ------------------------------------------------------------------------

def child(kind: str, corpus: str, qfile: str, out: str) -> None:
    """Load, answer every question, report timings, ranked names and peak memory as JSON."""
    t0 = time.perf_counter()
    qs = json.loads(Path(qfile).read_text(encoding="utf-8"))
    if kind == "ours":
        sys.path.insert(0, str(ROOT))
        from retrieval.engine import Engine

        engine = Engine.load(corpus)

        def retrieve(q):
            fq = __import__("retrieval.text", fromlist=["fold"]).fold(q)
            words = engine.tokenizer.expand(engine.query_words(fq))
            scores = engine.index.scores(words, engine.tokenizer.strip_frames(fq))
            return engine.index.top(scores, None, 10)

        def names(q):
            a = engine.ask(q, top=10)
            return [fold(c.title + c.label) for c in a.citations]

        first = engine.ask(qs[0]["q"])
    else:
        import jieba
        import numpy as np
        from rank_bm25 import BM25Okapi

        sys.path.insert(0, str(ROOT))
        from retrieval.corpus import load_documents

        jieba.setLogLevel(60)
        arts = [a for d in load_documents(Path(corpus)) for a in d.articles]
        titles = {a.doc_number: d.title for d in load_documents(Path(corpus)) for a in d.articles[:1]}
        bm25 = BM25Okapi([jieba.lcut_for_search(a.body) for a in arts])

        last: dict[str, list] = {}

        def retrieve(q):
            s = bm25.get_scores(jieba.lcut_for_search(q))
            top = np.argpartition(-s, 10)[:10]
            last[q] = top[np.argsort(-s[top])]
            return last[q]

        def names(q):  # the ranking retrieve() just timed: rank-bm25 is too slow to ask twice
            return [fold(titles[arts[i].doc_number] + arts[i].label) for i in (last[q] if q in last else retrieve(q))]

        first = retrieve(qs[0]["q"])
    startup = time.perf_counter() - t0
    lat = []
    ranked = []
    for q in qs:
        t = time.perf_counter()
        retrieve(q["q"])
        lat.append(time.perf_counter() - t)
    t = time.perf_counter()
    for q in qs:
        ranked.append(names(q["q"]))
    answer_time = (time.perf_counter() - t) / max(1, len(qs))
    rss = peak_rss_mb()
    Path(out).write_text(json.dumps({"startup": startup, "lat": lat, "ranked": ranked, "rss_mb": rss,
                                     "answer": answer_time, "first": bool(first is not None)}), encoding="utf-8")


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM starts afresh at exec; getrusage's maximum is kept
    across exec, so a child forked from a large parent (one that loaded the corpus) reports the parent's size."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(kind: str, corpus: Path, qs: list[dict], script: str = __file__) -> dict:
    """Run `script --child KIND CORPUS QFILE OUT` in a fresh process and read the JSON it writes."""
    with tempfile.TemporaryDirectory() as tmp:
        qfile, out = Path(tmp) / "q.json", Path(tmp) / "out.json"
        qfile.write_text(json.dumps(qs, ensure_ascii=False), encoding="utf-8")
        subprocess.run([sys.executable, script, "--child", kind, str(corpus), str(qfile), str(out)], check=True,
                       cwd=ROOT)
        return json.loads(out.read_text(encoding="utf-8"))


def quality(ranked: list[list[str]], qs: list[dict]) -> dict:
    hits = {1: 0, 3: 0, 10: 0}
    mrr = 0.0
    for names, q in zip(ranked, qs):
        gold = {fold(n) for n in q["gold_names"]}
        for k in hits:
            hits[k] += any(n in gold for n in names[:k])
        for r, n in enumerate(names[:10], 1):
            if n in gold:
                mrr += 1 / r
                break
    n = len(qs) or 1
    return {"mrr": mrr / n, **{f"hit@{k}": v / n for k, v in hits.items()}}


def du(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


# ---- one corpus ----------------------------------------------------------------------------------

def bench(name: str, source: Path, qs: list[dict], graded: bool) -> list[tuple]:
    work = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    try:
        corpus = work / "corpus"
        t = time.perf_counter()
        r = subprocess.run(POLICYBOT + ["ingest", str(source), "--corpus", str(corpus)], cwd=ROOT,
                           capture_output=True, text=True)
        ingest = time.perf_counter() - t
        if r.returncode != 0:
            raise SystemExit(f"ingest of {source} failed: {r.stderr[-500:]}")
        if not (corpus / ".index" / "store.sqlite").exists():  # ingest that does not index: index now
            t = time.perf_counter()
            subprocess.run(POLICYBOT + ["ask", "--corpus", str(corpus), "索引"], cwd=ROOT, capture_output=True)
            ingest += time.perf_counter() - t
        index_mb = du(corpus / ".index")
        text_mb = du(corpus / "documents")
        ours = run_child("ours", corpus, qs)
        base = run_child("baseline", corpus, qs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio = statistics.median(base["lat"]) / statistics.median(ours["lat"])
    rows = [
        ("ingest (parse, extract, index)", f"{ingest:.1f} s", "–"),
        ("index size on disk (texts: %.0f MB)" % text_mb, f"{index_mb:.0f} MB", "none (in memory)"),
        ("start-up to first answer", f"{ours['startup']:.2f} s", f"{base['startup']:.2f} s"),
        ("retrieval per question, median", f"{statistics.median(ours['lat'])*1000:.2f} ms",
         f"{statistics.median(base['lat'])*1000:.1f} ms"),
        ("retrieval per question, p99", f"{pct(ours['lat'], 99)*1000:.2f} ms", f"{pct(base['lat'], 99)*1000:.1f} ms"),
        ("whole answer per question (intents, quotes)", f"{ours['answer']*1000:.1f} ms", "–"),
        ("peak memory (max RSS)", f"{ours['rss_mb']:.0f} MB", f"{base['rss_mb']:.0f} MB"),
        ("speed-up of retrieval (median)", f"{ratio:.0f}×", "1×"),
    ]
    if graded:
        qo, qb = quality(ours["ranked"], qs), quality(base["ranked"], qs)
        rows += [(f"{k} ({len(qs)} questions)", f"{qo[k]:.3f}", f"{qb[k]:.3f}") for k in ("mrr", "hit@1", "hit@3", "hit@10")]
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=4, metavar=("KIND", "CORPUS", "QFILE", "OUT"), help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, default=0, help="STARD questions to use (default: all 1,235)")
    ap.add_argument("--skip-stard", action="store_true")
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}")
    sections = []
    if not args.skip_stard:
        sections.append(("STARD laws (1,322 documents, 55,348 articles)",
                         bench("stard", STARD / "laws", queries(args.limit), True)))
    sections.append(("seed corpus (2 documents)", bench("seeds", SHARED / "seeds", seed_queries(), False)))
    for title, rows in sections:
        print(f"\n{title}\n\n| measure | PolicyBot | plain rank-bm25 |\n|---|---|---|")
        for r in rows:
            print(f"| {r[0]} | {r[1]} | {r[2]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
