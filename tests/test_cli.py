"""The command-line contract of ../shared/eval/README.md, driven as other tools drive it."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cli.chinese_argparse import translate
from cli.main import main
from retrieval.corpus import bundled_corpus_dir

POLICYBOT = [sys.executable, "-m", "cli.main"]
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


def test_jsonl_lines_of_one_user_are_a_conversation():
    lines = [{"q": "市政府领导多久接听一次热线？", "user": "u1"}, {"q": "热点部门呢？", "user": "u1"},
             {"q": "热点部门呢？", "user": "u2"}, {"q": "那招远呢", "user": 7}, {"q": "x", "user": ["u1"]}]
    r = run(["ask", "--jsonl"], stdin="\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert "每季度" in out[1]["answer"].split("\n")[0] and "接着上一个问题" in out[1]["answer"]
    assert "接着上一个问题" not in out[2]["answer"]  # u2 asked nothing before
    assert "接着上一个问题" not in out[3]["answer"]  # nor did user 7
    assert "'user'" in out[4]["error"]


def test_jsonl_bad_lines_get_error_objects_in_place():
    lines = ["not json", json.dumps({"q": 5}), json.dumps(["q"]), json.dumps({"q": "一线办公多久一次", "city": 3}),
             "", json.dumps({"q": "一线办公多久一次", "city": None, "role": None}),
             json.dumps({"q": "一线办公多久一次", "top": "x"})]
    r = run(["ask", "--jsonl"], stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(out) == len(lines)
    assert [("error" in o) for o in out] == [True, True, True, True, True, False, True]
    assert "'q' 必须是字符串" in out[1]["error"]
    assert out[5]["answered"] is True


def test_jsonl_hostile_lines_get_errors_and_the_stream_goes_on():
    good = json.dumps({"q": "一线办公多久一次"}, ensure_ascii=False).encode()
    lines = [b"[" * 3000 + b"]" * 3000,  # 6 KB of nesting: RecursionError in json
             b'{"q": "\\ud800"}', b'{"q": "x", "city": "\\udfff"}', b'{"q": "x", "role": "a\\ud83d"}',
             b'\xff\xfe{"q": "x"}',  # not UTF-8
             b'{"q": "' + b"x" * 70000 + b'"}',  # over the line limit
             good]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    r = subprocess.run(POLICYBOT + ["ask", "--jsonl"], input=b"\n".join(lines) + b"\n", capture_output=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr.decode()
    out = [json.loads(x) for x in r.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(lines)
    assert ["error" in o for o in out] == [True] * 6 + [False]
    assert "JSON" in out[0]["error"] and "代理项" in out[1]["error"] and "UTF-8" in out[4]["error"]
    assert "太长" in out[5]["error"] and out[6]["answered"] is True


def test_question_bytes_that_are_not_utf8_get_one_line():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for argv in ([b"\xff\xfe\xe7\xa6\xbb"], [b"--json", b"\xed\xa0\x80"], [b"x", b"--city", b"\xff"]):
        r = subprocess.run([os.fsencode(x) for x in POLICYBOT] + [b"ask"] + argv, capture_output=True, env=env,
                           timeout=120)
        err = r.stderr.decode("utf-8")
        assert r.returncode == 2 and "不是 UTF-8" in err and "意外错误" not in err, err


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


# ---- the command line speaks Chinese, and every error exits non-zero ----------------------------------

def one_chinese_line(text: str) -> bool:
    lines = text.strip().splitlines()
    return len(lines) == 1 and "Traceback" not in text and any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])


@pytest.mark.parametrize("question", ["", "   ", "\u200b\ufeff"])
def test_an_empty_question_is_an_error(question, capsys):
    assert main(["ask", question]) == 2
    out = capsys.readouterr()
    assert out.out == "" and one_chinese_line(out.err) and out.err.startswith("policybot ask：问题是空的")
    assert main(["ask", "--json", question]) == 2
    assert capsys.readouterr().out == ""


def test_an_empty_question_in_the_stream_keeps_the_stream_going():
    lines = [json.dumps({"q": ""}), json.dumps({"q": "一线办公多久一次"}), "{"]
    r = run(["ask", "--jsonl", ""], stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert out[0]["answered"] is False and out[0]["answer"].startswith("请输入一个问题")
    assert out[1]["answered"] is True and "error" in out[2]


def test_help_is_in_chinese_and_names_every_command(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("用法：policybot") and "显示本帮助并退出" in text and "usage:" not in text
    for command in ("ask", "serve", "ingest", "docs", "remove", "quiz", "duties", "compare", "outline"):
        assert f"    {command} " in text, command
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    text = capsys.readouterr().out
    assert "--keep-going" in text and "有文件被拒收时仍收录其余文件" in text and "options:" not in text


@pytest.mark.parametrize("argv, message", [
    (["ask", "--top", "x", "问题"], "参数 --top：'x' 不是整数"),
    (["ask", "--json", "--jsonl"], "参数 --jsonl：不能与参数 --json 同时使用"),
    (["duties"], "缺少必需的参数：角色"),
    (["frob"], "无效的选项 'frob'"),
    (["ask", "--nope", "问题"], "无法识别的参数：--nope"),
    (["compare", "abc"], "“abc”不是条号"),
])
def test_argument_errors_are_one_chinese_line_and_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and one_chinese_line(err) and "usage:" not in err and "error:" not in err


def test_translate_leaves_our_own_messages_alone():
    assert translate("argument -n: expected one argument") == "参数 -n：需要一个值"
    assert translate("“x”不是条号") == "“x”不是条号"


@pytest.mark.parametrize("config_text", [None, "telegram:\n  admins: []\n"])
def test_serve_without_a_real_token_says_so(config_text, tmp_path, monkeypatch, capsys):
    """The example's placeholder token, or none at all: a clear line instead of a connection attempt."""
    monkeypatch.delenv("POLICYBOT_TOKEN", raising=False)
    config = ROOT / "config.example.yaml"
    if config_text is not None:
        config = tmp_path / "config.yaml"
        config.write_text(config_text, encoding="utf-8")
    assert main(["serve", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert one_chinese_line(err) and "没有设置 Telegram 机器人令牌" in err and "POLICYBOT_TOKEN" in err
