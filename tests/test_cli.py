"""The command-line contract of ../shared/eval/README.md, driven as other tools drive it."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.corpus import bundled_corpus_dir

POLICYBOT = [sys.executable, "-m", "bot.cli"]
ROOT = Path(__file__).resolve().parent.parent


def run(args, stdin=None, cwd=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(POLICYBOT + args, input=stdin, capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120)


def test_ask_human_readable():
    r = run(["ask", "--city", "烟台", "离烟外出要提前几天请假？"])
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "提前3天" in lines[0] and lines[1].startswith("依据：《烟台市人民政府")


def test_ask_json_object():
    r = run(["ask", "--json", "--city", "招远", "--top", "2", "市政府领导多久接听一次热线？"])
    a = json.loads(r.stdout)
    assert set(a) >= {"answered", "intent", "answer", "citations"}
    assert a["answered"] is True and a["intent"] == "frequency" and len(a["citations"]) == 2
    c = a["citations"][0]
    assert set(c) >= {"doc_number", "title", "city", "article", "label", "part", "quote", "score"}
    assert c["doc_number"] == "烟政发〔2022〕8号" and c["article"] == 13


def test_jsonl_answers_line_by_line_and_flushes_each():
    """A reader gets each answer before it sends the next question: nothing waits in a buffer."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(POLICYBOT + ["ask", "--jsonl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, env=env)
    try:
        for q in ["多久开展一次一线办公？", "今天股市行情如何？"]:
            proc.stdin.write(json.dumps({"q": q, "city": None}, ensure_ascii=False) + "\n")
            proc.stdin.flush()
            answer = json.loads(proc.stdout.readline())
            assert answer["answered"] is (q.startswith("多久"))
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    assert proc.returncode == 0


def test_jsonl_bad_lines_get_error_objects_in_place():
    lines = ["not json", json.dumps({"q": 5}), json.dumps(["q"]), json.dumps({"q": "一线办公多久一次", "city": 3}),
             "", json.dumps({"q": "一线办公多久一次", "city": None, "role": None}),
             json.dumps({"q": "一线办公多久一次", "top": "x"})]
    r = run(["ask", "--jsonl"], stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == len(lines)
    assert [("error" in o) for o in out] == [True, True, True, True, True, False, True]
    assert "'q' must be a string" in out[1]["error"]
    assert out[5]["answered"] is True


def test_corpus_option_and_config_key(tmp_path):
    corpus = tmp_path / "mycorpus"
    shutil.copytree(bundled_corpus_dir() / "documents", corpus / "documents")
    (corpus / "documents" / "zhaoyuan-zhaozhengfa-2022-21.yaml").unlink()
    r = run(["ask", "--json", "--corpus", str(corpus), "--city", "招远", "接待群众来访多久一次"])
    a = json.loads(r.stdout)
    assert {c["doc_number"] for c in a["citations"]} == {"烟政发〔2022〕8号"}
    config = tmp_path / "config.yaml"
    config.write_text("corpus: mycorpus\n", encoding="utf-8")
    r = run(["ask", "--json", "--config", str(config), "接待群众来访多久一次"])
    assert {c["doc_number"] for c in json.loads(r.stdout)["citations"]} == {"烟政发〔2022〕8号"}


@pytest.mark.parametrize("args, message", [
    (["ask", "--corpus", "/nonexistent/corpus", "问题"], "corpus directory not found"),
    (["ask", "--config", "/nonexistent/config.yaml", "问题"], "config file not found"),
])
def test_user_errors_are_one_line_and_exit_2(args, message):
    r = run(args)
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_broken_corpus_file_is_named(tmp_path):
    corpus = tmp_path / "c"
    shutil.copytree(bundled_corpus_dir() / "documents", corpus / "documents")
    (corpus / "documents" / "yantai-yanzhengfa-2022-8.yaml").write_text("doc_number: [unclosed\n", encoding="utf-8")
    r = run(["ask", "--corpus", str(corpus), "问题"])
    assert r.returncode == 2 and "yantai-yanzhengfa-2022-8.yaml" in r.stderr and "Traceback" not in r.stderr


def test_runs_from_any_directory_on_the_bundled_corpus(tmp_path):
    r = run(["ask", "--json", "一线办公多久一次"], cwd=tmp_path)
    assert json.loads(r.stdout)["answered"] is True
