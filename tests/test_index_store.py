"""The index on disk: built once, loaded after, rebuilt only for what changed."""
import json
import shutil

import numpy as np
import pytest

from retrieval import index_store
from retrieval.corpus import CorpusError, bundled_corpus_dir
from retrieval.engine import Engine


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(bundled_corpus_dir() / "documents", root / "documents")
    return root


def test_second_load_parses_nothing_and_answers_the_same(corpus):
    first = index_store.load(corpus)
    assert first.rebuilt == 2 and (corpus / ".index" / "manifest.json").exists()
    second = index_store.load(corpus)
    assert second.rebuilt == 0
    assert [a.body for a in second.index.articles] == [a.body for a in first.index.articles]
    assert len(second.obligations) == len(first.obligations)
    q = first.tokenizer.words("市政府领导多久接听一次热线")
    np.testing.assert_allclose(second.index.scores(q, "市政府领导多久接听一次热线"),
                               first.index.scores(q, "市政府领导多久接听一次热线"))


@pytest.mark.slow
def test_only_the_changed_document_is_parsed_again(corpus):
    index_store.load(corpus)
    text = corpus / "documents" / "zhaoyuan-zhaozhengfa-2022-21.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("89000", "66666"), encoding="utf-8")
    loaded = index_store.load(corpus)
    assert loaded.rebuilt == 1
    engine = Engine.load(corpus)
    assert "66666" in engine.ask("招远的民生服务热线叫什么？", city="招远").first_line


@pytest.mark.slow
def test_a_removed_document_leaves_the_index(corpus):
    index_store.load(corpus)
    for suffix in (".yaml", ".txt"):
        (corpus / "documents" / f"zhaoyuan-zhaozhengfa-2022-21{suffix}").unlink()
    loaded = index_store.load(corpus)
    assert {a.doc_number for a in loaded.index.articles} == {"烟政发〔2022〕8号"}
    assert not (corpus / ".index" / "docs" / "zhaoyuan-zhaozhengfa-2022-21.json").exists()
    manifest = json.loads((corpus / ".index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["order"] == ["yantai-yanzhengfa-2022-8"]


@pytest.mark.slow
def test_a_damaged_index_is_rebuilt_not_trusted(corpus):
    index_store.load(corpus)
    (corpus / ".index" / "manifest.json").write_text("{not json", encoding="utf-8")
    assert index_store.load(corpus).rebuilt == 2
    (corpus / ".index" / "docs" / "yantai-yanzhengfa-2022-8.json").unlink()
    assert index_store.load(corpus).rebuilt == 1


def test_the_layout_survives_the_index(corpus):
    first = index_store.load(corpus)
    second = index_store.load(corpus)
    assert second.rebuilt == 0
    assert [d.layout for d in second.documents] == [d.layout for d in first.documents] == ["一、 > 1."] * 2


def test_a_vocabulary_file_of_the_corpus_rebuilds_everything(corpus):
    shutil.copytree(bundled_corpus_dir() / "lexicon", corpus / "lexicon")
    index_store.load(corpus)
    assert index_store.load(corpus).rebuilt == 0
    with open(corpus / "lexicon" / "actors.yaml", "a", encoding="utf-8") as f:
        f.write("# a reviewer's note\n")
    assert index_store.load(corpus).rebuilt == 2


@pytest.mark.slow
def test_a_lexicon_change_rebuilds_everything(corpus):
    shutil.copytree(bundled_corpus_dir() / "lexicon", corpus / "lexicon")
    index_store.load(corpus)
    with open(corpus / "lexicon" / "dictionary.txt", "a", encoding="utf-8") as f:
        f.write("群众诉求 20000\n")
    assert index_store.load(corpus).rebuilt == 2


def test_index_dir_falls_back_when_the_corpus_is_not_writable(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICYBOT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(index_store, "_writable", lambda path: False)
    root = index_store.index_dir(corpus)
    assert root.parent == tmp_path / "cache"
    index_store.load(corpus)
    assert (root / "manifest.json").exists() and not (corpus / ".index").exists()


def test_a_broken_document_is_named_and_nothing_is_cached_for_it(corpus):
    (corpus / "documents" / "yantai-yanzhengfa-2022-8.txt").write_text("随便写的一段话，没有条款。", encoding="utf-8")
    with pytest.raises(CorpusError, match="yantai-yanzhengfa-2022-8.txt"):
        index_store.load(corpus)


@pytest.mark.slow
def test_missing_matrices_or_counts_are_rebuilt_from_what_is_left(corpus):
    index_store.load(corpus)
    (corpus / ".index" / "words" / "bm25.npz").unlink()
    (corpus / ".index" / "docs" / "yantai-yanzhengfa-2022-8.counts.json").unlink()
    loaded = index_store.load(corpus)
    assert loaded.rebuilt == 0 and (corpus / ".index" / "words" / "bm25.npz").exists()
    engine = Engine.load(corpus)
    assert "提前3天" in engine.ask("离烟外出要提前几天请假？", city="烟台").first_line
