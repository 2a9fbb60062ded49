"""The index on disk: built once, loaded after, rebuilt only for what changed."""
import shutil

import pytest

from retrieval import index_store, roster
from retrieval.corpus import CorpusError, bundled_corpus_dir
from retrieval.engine import Engine
from retrieval.store import Store


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(bundled_corpus_dir() / "documents", root / "documents")
    return root


def test_second_load_parses_nothing_and_answers_the_same(corpus):
    first = index_store.load(corpus)
    assert first.rebuilt == 2 and (corpus / ".index" / "store.sqlite").exists()
    second = index_store.load(corpus)
    assert second.rebuilt == 0
    assert [a.body for d in second.documents for a in d.articles] == [a.body for d in first.documents for a in d.articles]
    assert len(second.store.duty_ids()) == len(first.store.duty_ids()) > 0
    q = first.tokenizer.words("市政府领导多久接听一次热线")
    assert second.index.top(second.index.scores(q, "市政府领导多久接听一次热线"), None, 5) == \
        first.index.top(first.index.scores(q, "市政府领导多久接听一次热线"), None, 5)


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
    assert {loaded.index.document_number(i) for i in range(loaded.index.size)} == {"烟政发〔2022〕8号"}
    assert [slug for _, slug, *_ in loaded.store.heads()] == ["yantai-yanzhengfa-2022-8"]
    # nothing of it is ranked any more
    q = loaded.tokenizer.words("招远")
    assert all(loaded.index.document_number(i) == "烟政发〔2022〕8号"
               for i, _ in loaded.index.top(loaded.index.scores(q, "招远市"), None, 50))


@pytest.mark.slow
def test_a_damaged_index_is_rebuilt_not_trusted(corpus):
    index_store.load(corpus)
    for p in (corpus / ".index").glob("store.sqlite*"):
        p.unlink()
    (corpus / ".index" / "store.sqlite").write_bytes(b"not a database")
    assert index_store.load(corpus).rebuilt == 2
    shutil.rmtree(corpus / ".index" / "tantivy")
    assert index_store.load(corpus).rebuilt == 2


def test_a_start_with_nothing_changed_reads_one_roster_not_every_head(corpus, monkeypatch):
    # a name that sorts before its own prefix with the .yaml ("…-21-b.yaml" < "…-21.yaml")
    meta = (corpus / "documents" / "zhaoyuan-zhaozhengfa-2022-21.yaml").read_text(encoding="utf-8")
    (corpus / "documents" / "zhaoyuan-zhaozhengfa-2022-21-b.yaml").write_text(
        meta.replace("招政发〔2022〕21号", "招政发〔2022〕22号"), encoding="utf-8")
    first = index_store.load(corpus)
    monkeypatch.setattr(Store, "heads", lambda self: pytest.fail("every head read at start"))
    second = index_store.load(corpus)
    assert second.rebuilt == 0
    assert [d.meta for d in second.documents] == [d.meta for d in first.documents]
    assert [(e.place, e.speaker) for e in second.roster.entries] == [(e.place, e.speaker) for e in first.roster.entries]
    assert [e.place.short for e in second.roster.entries] == ["烟台", "招远", "招远"]
    # the rest of a head is read when asked for
    assert [d.parts for d in second.documents] == [d.parts for d in first.documents] and second.documents[0].parts


def test_what_repeals_what_is_resolved_when_the_corpus_changes_not_at_every_start(corpus, monkeypatch):
    old = (corpus / "documents" / "zhaoyuan-zhaozhengfa-2022-21.yaml").read_text(encoding="utf-8")
    (corpus / "documents" / "zhaoyuan-2019-24.yaml").write_text(
        old.replace("招政发〔2022〕21号", "招政发〔2019〕24号").replace("repeals:", "old_repeals:")
        .replace("text_file: zhaoyuan-zhaozhengfa-2022-21.txt", "text_file: zhaoyuan-zhaozhengfa-2022-21.txt")
        .replace("招远市人民政府关于进一步加强", "招远市人民政府关于切实加强"), encoding="utf-8")
    first = index_store.load(corpus)
    assert first.roster.links[0] == {"招政发〔2019〕24号": "招政发〔2022〕21号"}
    from retrieval import in_force
    monkeypatch.setattr(in_force.Register, "find", lambda self, ref: pytest.fail("titles resolved at start"))
    engine = Engine(index_store.load(corpus), corpus)
    assert engine.standing("招政发〔2019〕24号").state == "repealed"


def test_a_yaml_edited_in_place_is_read_again_at_the_next_start(corpus):
    index_store.load(corpus)
    meta = corpus / "documents" / "zhaoyuan-zhaozhengfa-2022-21.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("issuer: 招远市人民政府", "issuer: 招远市人民政府办公室"),
                    encoding="utf-8")
    loaded = index_store.load(corpus)
    assert loaded.rebuilt == 1
    assert [d.meta.issuer for d in loaded.documents] == ["烟台市人民政府", "招远市人民政府办公室"]


def test_a_roster_made_by_other_code_is_made_again_without_parsing(corpus, monkeypatch):
    index_store.load(corpus)
    monkeypatch.setattr(roster, "_key", lambda: "another release")
    heads = []
    monkeypatch.setattr(Store, "heads", lambda self, read=Store.heads: heads.append(1) or read(self))
    loaded = index_store.load(corpus)
    assert loaded.rebuilt == 0 and heads
    assert loaded.store.info(roster.INFO).startswith('{"key":"another release"')


def test_two_documents_with_one_number_fail_every_start(corpus):
    docs = corpus / "documents"
    (docs / "copy.yaml").write_text((docs / "zhaoyuan-zhaozhengfa-2022-21.yaml").read_text(encoding="utf-8"),
                                    encoding="utf-8")
    for _ in range(2):  # the first start stores the documents; the second must not trust a roster
        with pytest.raises(CorpusError, match="also used by"):
            index_store.load(corpus)


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
    assert (root / "store.sqlite").exists() and not (corpus / ".index").exists()


def test_a_broken_document_is_named_and_nothing_is_cached_for_it(corpus):
    (corpus / "documents" / "yantai-yanzhengfa-2022-8.txt").write_text("随便写的一段话，没有条款。", encoding="utf-8")
    with pytest.raises(CorpusError, match="yantai-yanzhengfa-2022-8.txt"):
        index_store.load(corpus)


def _words(store):
    """Every article's indexed words, by document file and place."""
    return store.db.execute("SELECT d.slug, w.idx, w.words FROM words w JOIN documents d ON d.id = w.doc "
                            "ORDER BY d.slug, w.idx").fetchall()


def test_two_ingests_give_the_same_index_whatever_the_worker_split(corpus, tmp_path):
    """Each article is cut with every quoted term of the corpus, however documents were shared out."""
    other = tmp_path / "other"
    shutil.copytree(corpus, other)
    one = index_store.load(corpus, workers=1)
    two = index_store.load(other, workers=2)
    assert _words(one.store) == _words(two.store)


def _add_note_quoting_a_term(corpus):
    """A notice of 烟台 quoting “群众诉求”, which other documents' articles also hold."""
    (corpus / "documents" / "note.yaml").write_text("title: 测试通知\ndoc_number: 测政发〔2023〕1号\ncity: 烟台\n",
                                                  encoding="utf-8")
    (corpus / "documents" / "note.txt").write_text("一、实行“群众诉求”直办制度。\n二、每月通报一次。\n",
                                                 encoding="utf-8")


def _built_at_once(corpus):
    """The corpus's documents as they are now, copied and indexed in one go."""
    fresh_copy = corpus.parent / "fresh"
    shutil.copytree(corpus / "documents", fresh_copy / "documents")
    return index_store.load(fresh_copy)


def test_a_new_quoted_term_cuts_the_articles_already_indexed_again(corpus):
    """A document quoting “群众诉求” makes it a word; the article of another document holding it is cut anew,
    as a fresh ingest of both would cut it."""
    index_store.load(corpus)
    _add_note_quoting_a_term(corpus)
    updated = index_store.load(corpus)
    assert updated.rebuilt == 1
    fresh = _built_at_once(corpus)
    assert _words(updated.store) == _words(fresh.store)
    assert sum("群众诉求" in w.split(" ") for _, _, w in _words(updated.store)) > 1


def _ranking(loaded, words):
    """(document file, article, score) of the best articles for some words, and the words' frequencies."""
    index = loaded.index
    slug = {i: s for i, s, *_ in loaded.store.heads()}
    top = index.top(index.scores(words), None, 8)
    return [(slug[index.store_id(index.place(i)[0])], index.place(i)[1], round(s, 6)) for i, s in top], \
        [index.df(w) for w in words]


def test_a_corpus_updated_document_by_document_ranks_as_one_built_at_once(corpus):
    """A replaced document and a re-cut article leave nothing behind in the ranking's statistics:
    the same files rank the same whatever the order they came in."""
    index_store.load(corpus)
    text = corpus / "documents" / "zhaoyuan-zhaozhengfa-2022-21.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("每季度", "每两个月"), encoding="utf-8")
    _add_note_quoting_a_term(corpus)
    updated = index_store.load(corpus)
    assert updated.rebuilt == 2
    fresh = _built_at_once(corpus)
    for words in (["热线", "接听"], ["每季度", "领导"], ["群众", "诉求", "群众诉求"]):
        assert _ranking(updated, words) == _ranking(fresh, words)
