#!/usr/bin/env python3
"""Speed and scale: PolicyBot against rank-bm25, bm25s and tantivy on the same tokens and questions, in one run.

    .venv/bin/python bench/bench_scale.py                 # STARD laws (1,322 documents, 55,348 articles)
    .venv/bin/python bench/bench_scale.py --limit 300     # fewer questions
    .venv/bin/python bench/bench_scale.py --copies 18     # and PolicyBot alone at 18 × the laws (~1M articles)

Every figure comes from its own process (start-up, memory). The peers rank the words PolicyBot indexed
each article under (its store's words table) with the question words PolicyBot ranks with, so they
differ only in how they rank: rank-bm25 and bm25s build their index at start (in memory, as they
are used), tantivy opens one built beforehand (words only, its default BM25). MRR@10 and hit@k are
over ../shared/corpora/stard/train_queries.jsonl; PolicyBot's over the citations of its answers.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import bench_stard  # noqa: E402
from bench.bench_stard import STARD, du, fold, pct, quality, queries  # noqa: E402

POLICYBOT = [sys.executable, "-m", "cli.main"]
TIME = "/usr/bin/time"


def timed(cmd: list[str], ok=(0,), **kw) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, max RSS in MB, result) of a command in its own process."""
    t = time.perf_counter()
    r = subprocess.run([TIME, "-f", "%M", *cmd], capture_output=True, text=True, cwd=ROOT, **kw)
    wall = time.perf_counter() - t
    if r.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd[:4])}… failed: {r.stderr[-800:]}")
    rss = int(r.stderr.strip().splitlines()[-1]) / 1024
    return wall, rss, r


# ---- children ---------------------------------------------------------------------------------------

def child(kind: str, corpus: str, qfile: str, out: str) -> None:
    t0 = time.perf_counter()
    qs = json.loads(Path(qfile).read_text(encoding="utf-8"))
    lat, answers, ranked = [], [], []
    if kind == "policybot":
        from retrieval.engine import Engine
        from retrieval.text import fold as f

        engine = Engine.load(corpus)
        engine.ask(qs[0]["q"])
        start = time.perf_counter() - t0
        for q in qs:
            t = time.perf_counter()
            engine.index.top(engine.index.scores(q["words"], engine.tokenizer.strip_frames(f(q["q"]))), None, 10)
            lat.append(time.perf_counter() - t)
        for q in qs:
            t = time.perf_counter()
            a = engine.ask(q["q"], top=10)
            answers.append(time.perf_counter() - t)
            ranked.append([fold(c.title + c.label) for c in a.citations])
    else:
        names, docs = _articles(corpus)
        if kind == "tantivy":
            import tantivy

            ix = tantivy.Index.open(str(Path(corpus) / "peer-tantivy"))
            searcher, schema = ix.searcher(), ix.schema

            def rank(words):
                clauses = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "words", w)) for w in words]
                if not clauses:
                    return []
                hits = searcher.search(tantivy.Query.boolean_query(clauses), 10, count=False).hits
                return searcher.fast_field_values("n", [a for _, a in hits])
        else:
            import numpy as np

            if kind == "rank-bm25":
                from rank_bm25 import BM25Okapi

                model = BM25Okapi(docs)
                scores = model.get_scores
            else:
                import bm25s

                model = bm25s.BM25()
                model.index(docs, show_progress=False)
                vocab = model.vocab_dict

                def scores(words):
                    return model.get_scores([w for w in words if w in vocab])
            del docs

            def rank(words):
                s = np.asarray(scores(words))
                top = np.argpartition(-s, 10)[:10]
                return top[np.argsort(-s[top])]
        rank(qs[0]["words"])
        start = time.perf_counter() - t0
        for q in qs:
            t = time.perf_counter()
            ranked.append([names[i] for i in rank(q["words"])])
            lat.append(time.perf_counter() - t)
    Path(out).write_text(json.dumps({"start": start, "lat": lat, "answer": answers, "ranked": ranked,
                                     "rss": bench_stard.peak_rss_mb()}))


def _articles(corpus: str) -> tuple[list[str], list[list[str]]]:
    """Every article's name (title + label, as the questions' gold names) and indexed words, in one order."""
    db = sqlite3.connect(str(Path(corpus) / ".index" / "store.sqlite"))
    titles = {i: json.loads(h)["meta"]["title"] for i, h in db.execute("SELECT id, head FROM documents")}
    names, docs = [], []
    for doc, data, words in db.execute("SELECT a.doc, a.data, w.words FROM articles a JOIN words w "
                                       "ON a.doc = w.doc AND a.idx = w.idx ORDER BY a.doc, a.idx"):
        names.append(fold(titles[doc] + json.loads(data)["label"]))
        docs.append(words.split(" ") if words else [])
    return names, docs


def run_child(kind: str, corpus: Path, qs: list[dict]) -> dict:
    return bench_stard.run_child(kind, corpus, qs, script=__file__)


# ---- set-up ------------------------------------------------------------------------------------------

def ingest(source: Path, corpus: Path) -> tuple[float, float]:
    # three of the laws are the same document twice: refused, the rest kept (exit 1 says so)
    wall, rss, _ = timed(POLICYBOT + ["ingest", str(source), "--corpus", str(corpus), "--brief", "--keep-going"],
                         ok=(0, 1))
    return wall, rss


def question_words(corpus: Path, qs: list[dict]) -> list[dict]:
    from retrieval.engine import Engine
    from retrieval.text import fold as f

    engine = Engine.load(corpus)
    return [dict(q, words=engine.tokenizer.expand(engine.query_words(f(q["q"])))) for q in qs]


def build_peer_tantivy(corpus: Path) -> None:
    import tantivy

    b = tantivy.SchemaBuilder()
    b.add_unsigned_field("n", fast=True)
    b.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    path = corpus / "peer-tantivy"
    path.mkdir()
    ix = tantivy.Index(b.build(), str(path))
    w = ix.writer(heap_size=200_000_000, num_threads=1)
    for n, words in enumerate(_articles(str(corpus))[1]):
        d = tantivy.Document()
        d.add_unsigned("n", n)
        d.add_text("words", " ".join(words))
        w.add_document(d)
    w.commit()
    w.wait_merging_threads()


def cold_start(corpus: Path, question: str, runs: int = 5) -> tuple[float, float]:
    """Median wall time and RSS of `policybot ask` in a fresh process (the index already built)."""
    results = [timed(POLICYBOT + ["ask", "--corpus", str(corpus), question]) for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def add_one(corpus: Path) -> tuple[float, float]:
    """Time and RSS of bringing the index up to date after one new document (a seed) is dropped in."""
    for f in (ROOT / "corpus" / "documents").glob("yantai-*"):
        shutil.copy(f, corpus / "documents" / f.name)
    wall, rss, _ = timed([sys.executable, "-c", "import sys; from retrieval import index_store; "
                          "assert index_store.load(sys.argv[1]).rebuilt == 1", str(corpus)])
    return wall, rss


def same_index(a: Path, b: Path) -> bool:
    """Two ingests' stores hold the same documents, articles and words (ids aside)."""
    q = ("SELECT d.slug, w.idx, w.words FROM words w JOIN documents d ON d.id = w.doc ORDER BY d.slug, w.idx")
    rows = [sqlite3.connect(str(p / ".index" / "store.sqlite")).execute(q).fetchall() for p in (a, b)]
    return rows[0] == rows[1]


def replicate(corpus: Path, target: Path, copies: int) -> None:
    """A corpus holding the ingested laws `copies` times, each copy a distinct document (its title and
    文号 numbered, its files renamed; the texts hard-linked). Its index is built by the first load."""
    import yaml

    docs = target / "documents"
    docs.mkdir(parents=True)
    for y in sorted((corpus / "documents").glob("*.yaml")):
        meta = yaml.safe_load(y.read_text(encoding="utf-8"))
        text = corpus / "documents" / (meta.get("text_file") or f"{y.stem}.txt")
        for k in range(copies):
            stem = f"{y.stem}-c{k}"
            copy = dict(meta, title=f"{meta['title']}（副本{k}）", text_file=f"{stem}{text.suffix}")
            if copy.get("doc_number"):
                copy["doc_number"] = f"{copy['doc_number']}（副本{k}）"
            (docs / f"{stem}.yaml").write_text(yaml.safe_dump(copy, allow_unicode=True), encoding="utf-8")
            os.link(text, docs / copy["text_file"])


def compiled() -> None:
    """The project's modules compiled to byte-code, as pip leaves an installed package: a checkout run with
    PYTHONDONTWRITEBYTECODE (CI, containers) would compile every module again at every start."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(ROOT / d) for d in ("retrieval", "bot", "cli", "corpus"))],
                   check=True, env=env, capture_output=True)


# ---- the run ------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--copies", type=int, default=0, help="also PolicyBot alone at this many copies of the laws")
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return 0
    compiled()
    work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        corpus, again = work / "laws", work / "again"
        ingest_s, ingest_rss = ingest(STARD / "laws", corpus)
        ingest(STARD / "laws", again)
        deterministic = same_index(corpus, again)
        shutil.rmtree(again)
        qs = question_words(corpus, queries(args.limit))
        start, start_rss = cold_start(corpus, qs[0]["q"])
        index_mb = du(corpus / ".index")
        ours = run_child("policybot", corpus, qs)
        build_peer_tantivy(corpus)
        peers = {k: run_child(k, corpus, qs) for k in ("tantivy", "bm25s", "rank-bm25")}
        add_s, add_rss = add_one(corpus)
        print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; {len(qs)} questions\n")
        med = {k: statistics.median(v["lat"]) * 1000 for k, v in [("policybot", ours), *peers.items()]}
        q = {k: quality(v["ranked"], qs) for k, v in [("policybot", ours), *peers.items()]}
        print("| at 55k articles | PolicyBot | tantivy | bm25s | rank-bm25 |\n|---|---|---|---|---|")
        print(f"| start + first answer (`policybot ask`, fresh process) | {start:.2f} s | – | – | – |")
        print("| start in process (load + first ranking) | " + " | ".join(
            f"{v['start']:.2f} s" for v in [ours, *peers.values()]) + " |")
        print(f"| peak RSS serving all questions | {ours['rss']:.0f} MB | " + " | ".join(
            f"{v['rss']:.0f} MB" for v in peers.values()) + " |")
        print("| retrieval median | " + " | ".join(f"{med[k]:.3f} ms" for k in med) + " |")
        print("| retrieval p99 | " + " | ".join(
            f"{pct(v['lat'], 99) * 1000:.3f} ms" for v in [ours, *peers.values()]) + " |")
        print("| retrieval median, ratio to PolicyBot | 1× | " + " | ".join(
            f"{med[k] / med['policybot']:.2f}×" for k in peers) + " |")
        print(f"| whole answer median | {statistics.median(ours['answer']) * 1000:.2f} ms | – | – | – |")
        print("| MRR@10 | " + " | ".join(f"{q[k]['mrr']:.3f}" for k in q) + " |")
        print("| hit@1 / hit@10 | " + " | ".join(f"{q[k]['hit@1']:.3f} / {q[k]['hit@10']:.3f}" for k in q) + " |")
        print(f"| index on disk | {index_mb:.0f} MB (store {du(corpus / '.index') - du(corpus / '.index' / 'tantivy'):.0f}"
              f" MB, tantivy {du(corpus / '.index' / 'tantivy'):.0f} MB) | {du(corpus / 'peer-tantivy'):.0f} MB | – | – |")
        print(f"| full ingest (`policybot ingest`) | {ingest_s:.1f} s, peak RSS {ingest_rss:.0f} MB | – | – | – |")
        print(f"| add one document to the corpus | {add_s:.2f} s, peak RSS {add_rss:.0f} MB | – | – | – |")
        print(f"| two ingests give the same index | {'yes' if deterministic else 'NO'} | – | – | – |")
        print(f"| start + first answer: RSS | {start_rss:.0f} MB | – | – | – |")
        if args.copies:
            big = work / "big"
            replicate(corpus, big, args.copies)
            big_s, big_rss, _ = timed([sys.executable, "-c", "import sys; from retrieval import index_store; "
                                       "index_store.load(sys.argv[1])", str(big)])
            bstart, brss = cold_start(big, qs[0]["q"], runs=3)
            b = run_child("policybot", big, qs)
            n = sqlite3.connect(str(big / ".index" / "store.sqlite")).execute("SELECT count(*) FROM articles").fetchone()[0]
            print(f"\n| at {n:,} articles ({args.copies} copies of the laws) | PolicyBot |\n|---|---|")
            print(f"| start + first answer (`policybot ask`) | {bstart:.2f} s |")
            print(f"| peak RSS serving all questions | {b['rss']:.0f} MB |")
            print(f"| retrieval median / p99 | {statistics.median(b['lat']) * 1000:.2f} / "
                  f"{pct(b['lat'], 99) * 1000:.2f} ms |")
            print(f"| whole answer median | {statistics.median(b['answer']) * 1000:.2f} ms |")
            print(f"| full ingest | {big_s:.0f} s, peak RSS {big_rss:.0f} MB |")
            print(f"| index on disk | {du(big / '.index'):.0f} MB |")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
