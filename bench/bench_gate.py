"""The answer-or-abstain decision, measured: precision and recall of "answered" at several thresholds.

Positives are the answerable questions of the local set (../shared/corpora/local, 30 documents of 12
provinces, asked as civil servants and citizens type); negatives are its unanswerable questions and
STARD's 1,235 layperson legal questions asked of the bundled corpus alone (nothing in it governs them).
An answered positive counts as right only when the grader passes it (right document, article and fact).

    .venv/bin/python bench/bench_gate.py [--corpus DIR] [--questions FILE] [--thresholds 0.4,0.5,0.6]

--corpus is a corpus that already holds the local documents (made by ingesting
../shared/corpora/local/ingest_files.txt); without it, one is made in a temporary folder (about a minute).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from cli.main import main as policybot  # noqa: E402
import retrieval.engine as engine_module  # noqa: E402
from retrieval.engine import Engine  # noqa: E402


def _grader():
    spec = importlib.util.spec_from_file_location("grade_docs", SHARED / "eval" / "grade_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def local_corpus() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="bench-gate-"))
    shutil.copytree(ROOT / "corpus", folder / "corpus", ignore=shutil.ignore_patterns(".index", "__pycache__"))
    local = SHARED / "corpora" / "local"
    files = [str(local / line.strip()) for line in (local / "ingest_files.txt").read_text().splitlines() if line.strip()]
    with contextlib.redirect_stdout(io.StringIO()):
        policybot(["ingest", *files, "--corpus", str(folder / "corpus"), "--keep-going"])
    return folder / "corpus"


def measure(local: Engine, bundled: Engine, questions: list[dict], stard: list[str], grade) -> dict:
    tp = right = fp = fn = 0
    for q in questions:
        a = local.ask(q["q"], q.get("city"), None, 3).to_dict()
        if q["answerable"]:
            if a["answered"]:
                tp += 1
                right += grade(q, a)[0]
            else:
                fn += 1
        elif a["answered"]:
            fp += 1
    stard_fp = sum(bundled.ask(q).answered for q in stard)
    answered = tp + fp + stard_fp
    return {"answered answerable": tp, "of them right": right, "answered unanswerable": fp,
            "answered STARD": stard_fp, "precision": tp / answered if answered else 0.0,
            "precision (right)": right / answered if answered else 0.0, "recall": tp / (tp + fn) if tp + fn else 0.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", help="a corpus that holds the local documents")
    ap.add_argument("--questions", default=str(SHARED / "corpora" / "local" / "questions.jsonl"))
    ap.add_argument("--thresholds", default="0.4,0.45,0.5,0.55,0.6")
    args = ap.parse_args()
    grade = _grader().grade
    local = Engine.load(args.corpus or local_corpus())
    bundled = Engine.load()
    questions = [json.loads(line) for line in open(args.questions, encoding="utf-8") if line.strip()]
    stard = [json.loads(line)["q"] for line in open(SHARED / "corpora" / "stard" / "train_queries.jsonl", encoding="utf-8")]
    print(f"{len(questions)} local questions ({sum(q['answerable'] for q in questions)} answerable), "
          f"{len(stard)} STARD questions of the bundled corpus")
    print("MIN_COVERAGE  recall  precision  precision(right)  answered: answerable/right, unanswerable, STARD")
    for t in (float(x) for x in args.thresholds.split(",")):
        engine_module.MIN_COVERAGE = t
        r = measure(local, bundled, questions, stard, grade)
        print(f"{t:>12.2f}  {r['recall']:.3f}   {r['precision']:.3f}      {r['precision (right)']:.3f}"
              f"             {r['answered answerable']}/{r['of them right']}, {r['answered unanswerable']}, "
              f"{r['answered STARD']}")


if __name__ == "__main__":
    main()
