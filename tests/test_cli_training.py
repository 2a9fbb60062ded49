"""`policybot quiz / duties / compare / outline` on the command line."""
import io
import os
import re
import subprocess
import sys

import pytest

from cli.main import main
from bot.store import Store
from retrieval.quiz import quiz_questions

from .conftest import ROOT


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text("database: quiz.sqlite3\n", encoding="utf-8")
    return path


def run(argv, capsys, monkeypatch, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def letter(i):
    return "ABCD"[i]


def test_quiz_round_scores_and_keeps_the_score(engine, config, capsys, monkeypatch):
    qs = quiz_questions(engine, city="烟台", role="市政府领导班子成员", seed=11)
    wrong = (qs[1].answer_index + 1) % 4
    answers = f"x\n{letter(qs[0].answer_index).lower()}\n{wrong + 1}\n"  # bad input, right (b/B), wrong (1-4)
    argv = ["quiz", "--city", "烟台", "--role", "市政府领导班子成员", "-n", "3", "--seed", "11",
            "--user", "张三", "--config", str(config)]
    code, out, err = run(argv, capsys, monkeypatch, answers)
    assert code == 0 and err == ""
    assert qs[0].prompt in out and qs[1].prompt in out and qs[2].prompt in out
    assert "“x”不是选项，请输入 1-4 或 A-D" in out
    assert out.count("✓ 答对了") == 1
    assert f"✗ 答错了，正确答案是 {letter(qs[1].answer_index)}. {qs[1].answer}" in out
    assert f"依据：《{qs[0].citation.title}》（{qs[0].citation.doc_number}）" in out
    assert "本轮答对 1/2 题。张三 累计答对 1/2 题。" in out  # stdin ended at question 3: the score still shows
    db = config.parent / "quiz.sqlite3"
    assert db.exists()
    assert Store(db).quiz_score("cli:张三") == (1, 2)

    # a restart: a new process run reads the same database; unanswered questions come first
    code, out2, _ = run(argv[:5] + ["-n", "1"] + argv[7:], capsys, monkeypatch, "q\n")
    assert code == 0
    first_prompt = out2.split("第1/1题　", 1)[1].splitlines()[0]
    assert first_prompt not in (qs[0].prompt, qs[1].prompt)
    code, out3, _ = run(argv, capsys, monkeypatch, "1\n2\n")
    right, total = Store(db).quiz_score("cli:张三")
    assert total == 4 and f"张三 累计答对 {right}/4 题。" in out3


def test_quiz_end_of_input_at_once(config, capsys, monkeypatch):
    code, out, err = run(["quiz", "--user", "李四", "--config", str(config), "--seed", "1"], capsys, monkeypatch, "")
    assert code == 0 and "本轮答对 0/0 题。李四 累计答对 0/0 题。" in out


def test_quiz_full_width_and_letter_answers(engine, config, capsys, monkeypatch):
    qs = quiz_questions(engine, part="三", seed=5)
    answers = "".join(f"{'ＡＢＣＤ'[q.answer_index]}\n" for q in qs[:2])
    code, out, _ = run(["quiz", "--part", "三", "-n", "2", "--seed", "5", "--user", "王五", "--config", str(config)],
                       capsys, monkeypatch, answers)
    assert code == 0 and out.count("✓ 答对了") == 2 and "本轮答对 2/2 题" in out


def test_duties_text_html_and_ics(tmp_path, capsys, monkeypatch):
    from icalendar import Calendar

    html, ics = tmp_path / "d.html", tmp_path / "d.ics"
    code, out, err = run(["duties", "市政府领导班子成员", "--city", "烟台", "--html", str(html), "--ics", str(ics)],
                         capsys, monkeypatch)
    assert code == 0 and err == ""
    assert out.startswith("市政府领导班子成员（烟台）的周期性职责：共17项")
    assert "【每2周】" in out and "到服务热线接听1次群众来电" in out
    assert html.read_text(encoding="utf-8").count("<li>") == 17
    assert len(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")) == 17


def test_compare_and_outline(capsys, monkeypatch):
    code, out, _ = run(["compare", "14", "--cities", "烟台,招远"], capsys, monkeypatch)
    assert code == 0 and "每季度 → 每月" in out and "1处不同" in out
    code, out, _ = run(["compare", "第十三条"], capsys, monkeypatch)  # the two cities in the corpus
    assert code == 0 and "12345 → 89000" in out
    code, out, _ = run(["outline", "招远"], capsys, monkeypatch)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "《招远市人民政府关于进一步加强政府自身建设的意见》（招政发〔2022〕21号）"
    assert sum(1 for line in lines if line.startswith("  ") and line.strip()[:2].rstrip(".").isdigit()) == 30
    assert "  13.积极回应办理群众诉求" in lines


@pytest.mark.parametrize("argv", [
    ["duties", "校长"],
    ["duties", "局长"],
    ["duties", "市政府领导班子成员", "--city", "青岛"],
    ["quiz", "--role", "校长"],
    ["quiz", "--city", "青岛"],
    ["quiz", "--part", "九"],
    ["compare", "31", "--cities", "烟台,招远"],
    ["compare", "14", "--cities", "烟台,青岛"],
    ["compare", "14", "--cities", "烟台"],
    ["outline", "青政发〔2022〕1号"],
])
def test_unknown_names_give_one_line_and_a_nonzero_exit(argv, tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    cmd = [sys.executable, "-m", "cli.main", *argv]
    if argv[0] == "quiz":
        cfg = tmp_path / "c.yaml"
        cfg.write_text("database: q.sqlite3\n", encoding="utf-8")
        cmd += ["--config", str(cfg)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, input="", timeout=120)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith(f"policybot {argv[0]}：")
    assert re.search(r"[\u4e00-\u9fff]", proc.stderr)  # said in Chinese
    assert proc.stdout == ""


def test_bad_article_number_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["compare", "abc"])
    assert info.value.code == 2
    assert "“abc”不是条号" in capsys.readouterr().err


def test_quiz_gives_n_or_says_why_fewer(config, capsys, monkeypatch):
    code, out, _ = run(["quiz", "--city", "烟台", "--part", "一", "-n", "50", "--seed", "1", "--user", "赵六",
                        "--config", str(config)], capsys, monkeypatch, "")
    m = re.search(r"只有(\d+)道题符合这些条件.*本轮出(\d+)道", out)
    assert code == 0 and m and m.group(1) == m.group(2) and 0 < int(m.group(1)) < 50
    assert f"第1/{m.group(1)}题" in out
    code, out, _ = run(["quiz", "--city", "烟台", "-n", "3", "--seed", "1", "--user", "赵六", "--config", str(config)],
                       capsys, monkeypatch, "")
    assert "只有" not in out and "第1/3题" in out
