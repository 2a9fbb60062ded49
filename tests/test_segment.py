"""The compiled segmenter cuts as Python jieba does, with the domain dictionary added on top."""
import jieba
import pytest

from retrieval.corpus import bundled_corpus_dir, read_lexicon
from retrieval.segment import Segmenter
from retrieval.text import fold


@pytest.fixture(scope="module")
def pair():
    words, synonyms, _ = read_lexicon(bundled_corpus_dir())
    py, rs = jieba.Tokenizer(), Segmenter()
    py.initialize()
    added = [(fold(w), f or 20000) for w, f in words]
    added += [(fold(w), 20000) for k, vs in synonyms.items() for w in [k, *vs] if len(fold(w)) > 1]
    for w, f in added:  # words added twice and words jieba already has: its total grows, jieba-rs's must too
        py.add_word(w, f)
        rs.add_word(w, f)
    return py, rs


def test_the_seed_documents_are_cut_word_for_word_as_python_jieba_cuts_them(pair):
    py, rs = pair
    for path in sorted((bundled_corpus_dir() / "documents").glob("*.txt")):
        text = fold(path.read_text(encoding="utf-8"))
        assert rs.cut_for_search(text) == py.lcut_for_search(text), path.name
        assert rs.cut(text) == py.lcut(text), path.name


def test_digits_letters_and_unknown_words_follow_python_jieba(pair):
    py, rs = pair
    for text in ["拨打12345热线或2022-03-07前", "0.1mpa的压力", "检查和处理仍未整改的", "借钱不还怎么办"]:
        assert rs.cut_for_search(text) == py.lcut_for_search(text), text
