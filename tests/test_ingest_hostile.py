"""`policybot ingest` against hostile, huge and broken files, and killed mid-run.

Each hostile file is built in tmp_path at test time and ingested by `policybot ingest` run as a child
process (python -m cli.main, the code of this checkout), whose peak memory (its own and its workers',
from wait4) and wall-clock time are measured: it must be refused, naming the file, within MEMORY_MB and
SECONDS, with every file of the corpus (its index too) byte for byte as before. A child process is
capped at SAFETY_CAP of address space, so code without the limits fails these tests quickly instead of
taking the machine's memory. Killed ingests must leave no worker behind and the corpus as before or as
after, and the next run clears what they left and succeeds."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from cli.main import main
from retrieval.corpus import load_documents

from .conftest import ROOT, SEEDS
from .fixtures import make

MEMORY_MB = 400  # peak RSS of the ingest and its workers (an ingest of the seeds peaks at about 120 MB)
SECONDS = 30
SAFETY_CAP = 3 << 30  # address space of each child process: without limits a bomb fails fast, not the machine
WEIHAI = make.source("weihai_parking.txt")


@dataclass
class Run:
    code: int  # negative: killed by that signal
    out: str
    err: str
    peak_mb: float
    seconds: float


# a small process between: a child's peak RSS counts that of the process it was forked from (pytest's)
_MEASURED = """import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
pid = os.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-m", "cli.main", *sys.argv[3:]])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def policybot(*args, kill_when=None, limit: float = SECONDS * 2) -> Run:
    """Run `policybot ARGS` as a child process: its exit, output, peak RSS (with its reaped workers')
    and time. kill_when(pid) → True: SIGKILL it then; it is killed anyway after `limit` seconds."""
    with tempfile.TemporaryDirectory() as folder:
        files = [Path(folder, name) for name in ("result", "out", "err")]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("POLICYBOT_DEBUG", None)
        with open(files[1], "wb") as out, open(files[2], "wb") as err:
            wrapper = subprocess.Popen([sys.executable, "-c", _MEASURED, files[0], str(SAFETY_CAP), *map(str, args)],
                                       cwd=ROOT, stdout=out, stderr=err, env=env)
        started, pid = time.monotonic(), None
        while wrapper.poll() is None:
            pid = pid or next(iter(_children(wrapper.pid)), None)
            if pid and (time.monotonic() - started > limit or (kill_when is not None and kill_when(pid))):
                os.kill(pid, signal.SIGKILL)
                kill_when = None
            time.sleep(0.01)
        seconds = time.monotonic() - started
        code, peak = files[0].read_text().split()
        return Run(int(code), files[1].read_text("utf-8", "replace"), files[2].read_text("utf-8", "replace"),
                   int(peak) / 1024, seconds)


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file and folder under a corpus (its index included) with a hash of its bytes."""
    out = {}
    for base, dirs, files in os.walk(folder):
        for name in dirs + files:
            p = Path(base, name)
            out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest() \
                if p.is_file() and not p.is_symlink() else "folder"
    return out


def within_bounds(run: Run, what: str) -> None:
    print(f"\n{what}: peak {run.peak_mb:.0f} MB, {run.seconds:.1f} s, exit {run.code}")
    assert run.peak_mb < MEMORY_MB and run.seconds < SECONDS, (what, run.peak_mb, run.seconds, run.out, run.err)
    assert "Traceback" not in run.out + run.err and "意外错误" not in run.err, run.err


@pytest.fixture
def corpus(tmp_path, capsys):
    """A corpus holding the two seeds, ingested."""
    corpus = tmp_path / "corpus"
    assert main(["ingest", str(SEEDS), "--corpus", str(corpus)]) == 0
    capsys.readouterr()
    return corpus


def weihai(n: int) -> str:
    """威海's measures under another 文号: a distinct document."""
    return WEIHAI.replace("威政办发〔2023〕12号", f"威政办发〔2023〕{100 + n}号")


# ---- hostile files ------------------------------------------------------------------------------------

def zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """A real .docx whose document.xml unpacks to `megabytes` of paragraphs (the file: about 0.3 MB)."""
    good = make.write_docx(make.source("weifang_flood.txt"), path.with_name("bomb-source.docx"))
    para = b"<w:p><w:r><w:t>\xe7\xac\xac\xe4\xb8\x80\xe6\x9d\xa1 bomb</w:t></w:r></w:p>" * 1000
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for m in src.infolist():
            if m.filename != "word/document.xml":
                z.writestr(m, src.read(m.filename))
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
            for _ in range(megabytes * (1 << 20) // len(para)):
                f.write(para)
            f.write(b"</w:body></w:document>")
    good.unlink()
    return path


def symlink(path: Path, target: str) -> Path:
    path.symlink_to(target)
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def in_folder(folder: Path, build) -> Path:
    folder.mkdir()
    build(folder)
    return folder


def many_articles(path: Path) -> Path:
    """A text under the size limit with more articles than a document has."""
    from retrieval.limits import MAX_ARTICLES

    n = MAX_ARTICLES + 1000
    body = "".join(f"第{i}条 物业服务企业应当每季度公布1次物业服务费用收支情况。\n" for i in range(1, n + 1))
    return make.write_txt("某某市物业管理办法\n" + body, path)


def long_title(path: Path) -> Path:
    """A markdown heading of 5,203 characters taken for the title."""
    title = ("关于" + "进一步加强和改进" * 650 + "的通知")[:5203]
    return make.write_txt(f"# {title}\n\n第一条 为了规范物业管理活动，制定本办法。\n\n第二条 本办法适用于本市。\n", path)


def corrupt_docx(path: Path) -> Path:
    """A .docx whose document.xml is cut in half (lxml fails on it)."""
    good = make.write_docx(make.source("weifang_flood.txt"), path.with_name("corrupt-source.docx"))
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for m in src.infolist():
            data = src.read(m.filename)
            z.writestr(m, data[:len(data) // 2] if m.filename == "word/document.xml" else data)
    good.unlink()
    return path


def corrupt_pdf(path: Path) -> Path:
    """A PDF whose streams name a filter that does not exist (pypdf raises NotImplementedError)."""
    good = make.write_pdf(make.source("weifang_flood.txt"), path.with_name("corrupt-source.pdf"))
    path.write_bytes(good.read_bytes().replace(b"/FlateDecode", b"/FlateDecodX"))
    good.unlink()
    return path


# name → (builds the file or folder to ingest in a folder, what the refusal says, the path refused)
HOSTILE = {
    "zip-bomb.docx": (lambda d: zip_bomb(d / "bomb.docx"), "zip bomb", None),
    "dev-zero-symlink": (lambda d: symlink(d / "zero.txt", "/dev/zero"), "not a regular file but a device", None),
    "dev-urandom-symlink": (lambda d: symlink(d / "random.pdf", "/dev/urandom"), "not a regular file", None),
    "fifo": (lambda d: fifo(d / "pipe.txt"), "not a regular file but a named pipe", None),
    "fifo-in-a-folder": (lambda d: in_folder(d / "in", lambda f: fifo(f / "pipe.md")),
                         "not a regular file but a named pipe", "in/pipe.md"),
    "dev-zero-in-a-folder": (lambda d: in_folder(d / "in", lambda f: symlink(f / "zero.txt", "/dev/zero")),
                             "符号链接指向所给文件夹之外（/dev/zero）", "in/zero.txt"),
    "many-articles.txt": (lambda d: many_articles(d / "articles.txt"), "条款过多", None),
    "long-title.md": (lambda d: long_title(d / "title.md"), "标题过长（5,203 字，上限", None),
    "corrupt.docx": (lambda d: corrupt_docx(d / "corrupt.docx"), "无法读取（XMLSyntaxError", None),
    "corrupt.pdf": (lambda d: corrupt_pdf(d / "corrupt.pdf"), "无法读取（NotImplementedError", None),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_within_bounds_and_the_corpus_is_untouched(name, corpus, tmp_path):
    build, says, refused = HOSTILE[name]
    given = build(tmp_path)
    refused = tmp_path / refused if refused else given
    before = fingerprint(corpus)
    run = policybot("ingest", given, "--corpus", corpus)
    within_bounds(run, name)
    assert run.code == 1 and f"拒收  {refused}：" in run.out and says in run.out, run.out + run.err
    assert "未写入任何文件：1 个文件被拒收" in run.out
    assert fingerprint(corpus) == before


@pytest.mark.slow
def test_a_45_mb_text_of_514k_articles_is_refused_before_it_is_parsed(corpus, tmp_path):
    line = "第1条 物业服务企业应当每季度公布1次物业服务费用收支情况并公示。\n"  # 94 bytes
    path = make.write_txt("某某市物业管理办法\n" + line * 514_000, tmp_path / "huge.txt")
    assert 40 << 20 < path.stat().st_size < 50 << 20  # under the 50 MB a file may have had
    before = fingerprint(corpus)
    run = policybot("ingest", path, "--corpus", corpus)
    within_bounds(run, "45 MB text")
    assert run.code == 1 and f"拒收  {path}：file too large" in run.out
    assert fingerprint(corpus) == before
    # and the corpus still answers the seeds' questions
    ask = policybot("ask", "--corpus", corpus, "--city", "招远", "市政府领导多久接听一次热线？")
    assert ask.code == 0 and "每月到服务热线接听1次" in ask.out


def test_a_long_title_is_taken_from_the_option_instead(tmp_path, capsys):
    corpus = tmp_path / "c"
    assert main(["ingest", str(long_title(tmp_path / "title.md")), "--corpus", str(corpus),
                 "--title", "某某市物业管理办法"]) == 0
    assert [d.title for d in load_documents(corpus)] == ["某某市物业管理办法"]


def test_a_symlink_out_of_the_folder_is_refused_but_one_named_on_the_command_line_is_read(tmp_path, capsys):
    (tmp_path / "elsewhere").mkdir()
    outside = make.write_txt(make.source("weifang_flood.txt"), tmp_path / "elsewhere" / "flood.txt")
    folder = tmp_path / "in"
    folder.mkdir()
    make.write_txt(WEIHAI, folder / "parking.txt")
    symlink(folder / "flood.txt", str(outside))
    symlink(folder / "same.txt", "parking.txt")  # inside: read once
    corpus = tmp_path / "c"
    assert main(["ingest", str(folder), "--corpus", str(corpus), "--keep-going"]) == 1
    out = capsys.readouterr().out
    assert f"拒收  {folder / 'flood.txt'}：符号链接指向所给文件夹之外（{outside}）" in out and "新增 1" in out
    assert [d.doc_number for d in load_documents(corpus)] == ["威政办发〔2023〕12号"]
    assert main(["ingest", str(folder / "flood.txt"), "--corpus", str(corpus)]) == 0  # named: anything regular
    assert len(load_documents(corpus)) == 2


def test_corrupt_files_are_named_and_keep_going_takes_the_rest(corpus, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    make.write_txt(WEIHAI, folder / "parking.txt")
    bad = [corrupt_docx(folder / "corrupt.docx"), corrupt_pdf(folder / "corrupt.pdf")]
    before = fingerprint(corpus)
    run = policybot("ingest", folder, "--corpus", corpus)
    within_bounds(run, "corrupt files, stopped")
    assert run.code == 1 and all(f"拒收  {b}：无法读取" in run.out for b in bad) and "未写入任何文件" in run.out
    assert fingerprint(corpus) == before
    run = policybot("ingest", folder, "--corpus", corpus, "--keep-going")
    within_bounds(run, "corrupt files, --keep-going")
    assert run.code == 1 and all(f"拒收  {b}：无法读取" in run.out for b in bad) and "新增 1" in run.out
    assert "威政办发〔2023〕12号" in {d.doc_number for d in load_documents(corpus)}


BOMB = "\n".join(["title: 炸弹", "doc_number: 炸政发〔2024〕1号", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
                 + [f"{n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi")]
                 + ["repeals: [*i]", ""])


def test_a_yaml_alias_bomb_in_the_corpus_is_refused_by_name(corpus, tmp_path):
    (corpus / "documents" / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    assert len(BOMB.encode()) < 1024
    before = fingerprint(corpus)
    run = policybot("ingest", make.write_txt(WEIHAI, tmp_path / "parking.txt"), "--corpus", corpus)
    within_bounds(run, "YAML alias bomb, ingest")
    assert run.code == 2 and "bomb.yaml" in run.err and "alias" in run.err and "没有写入任何文件" in run.err
    assert fingerprint(corpus) == before
    run = policybot("ask", "--corpus", corpus, "热线多久接听一次？")  # loading the corpus
    within_bounds(run, "YAML alias bomb, ask")
    assert run.code == 2 and "bomb.yaml" in run.err and "alias" in run.err


def test_a_corpus_yaml_past_its_size_is_refused_unread(tmp_path):
    from retrieval.corpus import CorpusError, read_meta

    big = tmp_path / "big.yaml"
    big.write_text("title: 大\n" + "# padding\n" * 200_000, encoding="utf-8")
    with pytest.raises(CorpusError, match="big.yaml: cannot read metadata .too large"):
        read_meta(big)


# ---- the limits, one by one ---------------------------------------------------------------------------

def test_a_zip_bomb_by_ratio_alone_is_refused_from_the_zip_directory(tmp_path):
    from retrieval.readers import ReadError, read

    path = tmp_path / "ratio.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:  # 20 MB: under the total, not the ratio
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"<w:p/>" * ((20 << 20) // 6))
    with pytest.raises(ReadError, match="unpacks .* times its packed size .limit 100.: a zip bomb"):
        read(path)


def test_a_pdf_past_its_pages_is_refused_before_its_text_is_read(tmp_path, monkeypatch):
    from retrieval import readers

    monkeypatch.setattr(readers, "MAX_PAGES", 1)
    path = make.write_pdf(make.source("weifang_flood.txt"), tmp_path / "long.pdf")
    with pytest.raises(readers.ReadError, match=r"the PDF has 2 pages \(limit 1\)"):
        readers.read(path)


def test_a_worker_that_overruns_or_runs_out_of_memory_costs_only_its_item():
    from retrieval.workers import Failed, bounded

    def work(item):
        if item == "slow":
            time.sleep(30)
        if item == "greedy":
            return len(bytearray(400 << 20))  # past the cap: MemoryError, the worker dies
        return item.upper()

    started = time.monotonic()
    got = dict(bounded(work, ["a", "slow", "greedy", "b"], workers=2, seconds=2, memory=200 << 20))
    assert got[0] == "A" and got[3] == "B"
    assert isinstance(got[1], Failed) and "2 秒" in got[1].reason
    assert isinstance(got[2], Failed) and "200 MB" in got[2].reason
    assert time.monotonic() - started < 10


# ---- killed ingests ---------------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        try:
            if p.name.isdigit() and int((p / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(p.name))
        except (OSError, ValueError, IndexError):
            pass
    return out


def _running(mentioning: Path) -> list[str]:
    """Live processes whose command line names the folder (a forked worker has its parent's)."""
    found = []
    for p in Path("/proc").iterdir():
        try:
            cmd = (p / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            state = (p / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if p.name.isdigit() and str(mentioning) in cmd and state != "Z":
            found.append(f"{p.name}: {cmd}")
    return found


def _no_orphans(corpus: Path) -> None:
    deadline = time.monotonic() + 5
    while _running(corpus) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _running(corpus), _running(corpus)


def _visible(corpus: Path) -> dict[str, str]:
    """The corpus's documents as a loader sees them (hidden leftovers aside)."""
    return {k: v for k, v in fingerprint(corpus / "documents").items() if not k.startswith(".")}


@pytest.fixture
def batch(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for n in range(60):  # more than one process's worth: the index is built by a pool of workers too
        make.write_txt(weihai(n), folder / f"parking-{n}.txt")
    return folder


def _after_recovery(corpus: Path, batch: Path, before: dict[str, str]) -> None:
    _no_orphans(corpus)
    visible = _visible(corpus)
    assert all(visible.get(k) == v for k, v in before.items())
    assert len(set(visible) - set(before)) in (0, 120), "a mix of before and after"  # 60 texts and YAML files
    run = policybot("ingest", batch, "--corpus", corpus, "--brief")
    assert run.code == 0, run.out + run.err
    assert len(load_documents(corpus)) == 62
    leftovers = [p for p in corpus.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".ingest-")]
    assert not leftovers, leftovers
    _no_orphans(corpus)


@pytest.mark.slow
def test_an_ingest_killed_while_parsing_leaves_no_worker_and_the_corpus_as_it_was(corpus, batch):
    before = _visible(corpus)
    everything = fingerprint(corpus)
    run = policybot("ingest", batch, "--corpus", corpus, kill_when=lambda pid: len(_children(pid)) >= 1)
    assert run.code == -signal.SIGKILL
    assert fingerprint(corpus) == everything
    _after_recovery(corpus, batch, before)


@pytest.mark.slow
def test_an_ingest_killed_while_committing_leaves_the_corpus_before_or_after(corpus, batch):
    before = _visible(corpus)
    documents = corpus / "documents"

    def committing(pid):  # staged and indexing, with the index's workers running; or writing to documents/
        temporary = any(p.name.startswith(".") for p in documents.iterdir())
        return temporary or (any(corpus.glob(".ingest-*")) and bool(_children(pid)))

    run = policybot("ingest", batch, "--corpus", corpus, kill_when=committing)
    assert run.code == -signal.SIGKILL, run.out
    assert list(corpus.glob(".ingest-*")), "killed mid-commit: its staging folder is left for the next run"
    _after_recovery(corpus, batch, before)


def test_leftovers_of_a_killed_run_are_cleared_by_the_next(corpus, tmp_path, capsys):
    documents = corpus / "documents"
    (documents / ".烟政发-2022-8.yaml.k2j4x.tmp").write_bytes(b"half a file")
    stage = corpus / ".ingest-killed"
    (stage / "documents").mkdir(parents=True)
    (stage / "documents" / "x.yaml").write_text("title: x\n", encoding="utf-8")
    assert main(["ingest", str(make.write_txt(WEIHAI, tmp_path / "parking.txt")), "--corpus", str(corpus)]) == 0
    assert not list(documents.glob(".*")) and not list(corpus.glob(".ingest-*"))
    assert len(load_documents(corpus)) == 3


def test_a_crash_between_the_two_renames_of_the_fallback_swap_is_undone(corpus, tmp_path, capsys, monkeypatch):
    from retrieval import atomic_files

    def no_exchange(a, b):
        raise OSError(38, "renameat2 not available")

    monkeypatch.setattr(atomic_files, "_exchange", no_exchange)
    before = _visible(corpus)
    # what a kill between the renames leaves: no documents folder, the old one aside in the staging folder
    stage = corpus / ".ingest-killed"
    stage.mkdir()
    (corpus / "documents").rename(stage / "old")
    assert main(["ingest", str(make.write_txt(WEIHAI, tmp_path / "parking.txt")), "--corpus", str(corpus)]) == 0
    after = _visible(corpus)
    assert set(before) < set(after) and all(after[k] == v for k, v in before.items())
    assert len(load_documents(corpus)) == 3 and not list(corpus.glob(".ingest-*"))


def test_a_failure_to_index_writes_nothing(corpus, tmp_path, capsys, monkeypatch):
    from retrieval import index_store

    def broken(meta_path):
        raise index_store.CorpusError(f"{Path(meta_path).name}: cannot be indexed")

    monkeypatch.setattr(index_store, "_parse", broken)
    before = fingerprint(corpus)
    code = main(["ingest", str(make.write_txt(WEIHAI, tmp_path / "parking.txt")), "--corpus", str(corpus)])
    assert code == 2 and "没有写入任何文件" in capsys.readouterr().err
    assert fingerprint(corpus) == before


def test_a_second_ingest_of_the_same_corpus_waits_its_turn_then_says_so(corpus, tmp_path, capsys, monkeypatch):
    from retrieval import ingest
    from retrieval.atomic_files import locked

    monkeypatch.setattr(ingest, "LOCK_WAIT", 0.3)
    before = fingerprint(corpus)
    with locked(corpus, 0, RuntimeError("held")):
        code = main(["ingest", str(make.write_txt(WEIHAI, tmp_path / "parking.txt")), "--corpus", str(corpus)])
    assert code == 2 and "另一个 policybot ingest 正在写入" in capsys.readouterr().err
    assert fingerprint(corpus) == before
