"""The parser on the two seed documents, exactly as received."""
import re

import pytest

from retrieval.corpus import bundled_corpus_dir, load_documents
from retrieval.models import DocumentMeta
from retrieval.parse import parse_document
from retrieval.doc_numbers import normalize_date
from retrieval.text import cn_to_int, fold_whitespace, key

from .conftest import SEEDS

YANTAI = SEEDS / "yantai-yanzhengfa-2022-8.txt"
ZHAOYUAN = SEEDS / "zhaoyuan-zhaozhengfa-2022-21.txt"

HEADINGS = {
    1: "提升政治能力", 2: "强化理论武装", 3: "严守政治纪律和政治规矩", 4: "认真贯彻执行民主集中制",
    6: "加强经济运行分析调度", 7: "狠抓重点项目推进建设", 8: "推动招商引资取得实效", 9: "加大工作督查落实力度",
    10: "加强各方沟通对接", 11: "牢固树立以人民为中心的发展思想", 12: "深入开展调查研究", 13: "积极回应办理群众诉求",
    14: "严格落实信访工作责任制", 15: "倡树“严真细实快”作风", 16: "持续推进精文减会",
    17: "大力推行“镇街工作法”“一线工作法”", 18: "打造市场化营商环境", 19: "打造国际化营商环境", 20: "打造法治化营商环境",
    21: "强化分工负责、协同配合机制", 22: "建立重大事项筛选和推进机制", 23: "规范工作约谈机制", 24: "落实生态责任履职机制",
    25: "规范应急处突指挥机制", 26: "加强党建引领", 27: "扛起全面从严治党主体责任", 28: "落实意识形态工作责任制",
    29: "坚决守牢各项底线", 30: "坚定不移正风肃纪反腐",
}


def _parse(path, number):
    return parse_document(path.read_text(encoding="utf-8"), DocumentMeta(doc_number=number, title=""))


@pytest.fixture(scope="module", params=[(YANTAI, "烟政发〔2022〕8号"), (ZHAOYUAN, "招政发〔2022〕21号")],
                ids=["yantai", "zhaoyuan"])
def parsed(request):
    path, number = request.param
    return path, _parse(path, number)


def test_thirty_articles_numbered_in_order(parsed):
    _, doc = parsed
    articles = [a for a in doc.articles if a.kind == "article"]
    assert [a.number for a in articles] == list(range(1, 31))
    assert [a.label for a in articles] == [f"{n}." for n in range(1, 31)]
    assert doc.warnings == []


def test_headings(parsed):
    _, doc = parsed
    for n, heading in HEADINGS.items():
        assert doc.article(n).heading == heading
    assert doc.article(5).heading in ("全面提升思想境界和工作格局", "强化事争一流意识")


def test_seven_parts_and_each_article_under_its_part(parsed):
    _, doc = parsed
    assert len(doc.parts) == 7
    assert [p[:2] for p in doc.parts] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    assert doc.article(1).part.startswith("一、") and doc.article(30).part.startswith("七、")
    assert doc.article(13).part.startswith("三、") and doc.article(14).part.startswith("三、")
    assert doc.article(15).part.startswith("四、")


def test_article_text_equals_source_once_whitespace_is_folded(parsed):
    """Every article, label included, is a verbatim run of the source; together they cover it in order."""
    path, doc = parsed
    source = re.sub(r"\s+", "", path.read_text(encoding="utf-8"))
    pos = 0
    for a in doc.articles:
        if a.kind != "article":
            continue
        text = re.sub(r"\s+", "", a.label + a.body)
        found = source.find(text, pos)
        assert found >= 0, f"article {a.number} is not verbatim in the source"
        pos = found + len(text)
        # the article ends where the next article or part begins (nothing dropped in between)
        rest = source[pos:pos + 4]
        assert a.number == 30 or re.match(r"(\d+\.|[一二三四五六七]、)", rest), (a.number, rest)


def test_noise_is_gone(parsed):
    _, doc = parsed
    everything = "".join(a.body for a in doc.articles) + doc.preamble
    for noise in ("当前位置", "索引号", "成文日期", "扫一扫", "大汉网络", "此件公开发布", "抄送", "印发\n"):
        assert noise not in everything
    assert not re.search(r"\s", "".join(a.body for a in doc.articles)), "whitespace artefacts left"


def test_pdf_line_breaks_are_joined_inside_sentences():
    doc = _parse(ZHAOYUAN, "招政发〔2022〕21号")
    assert "市政府领导班子成员每月至少安排1天接待群众来访" in doc.article(14).body
    assert "充分发挥89000民生服务热线作用" in doc.article(13).body
    # " 4.认真…" and " 闭环。" are page-break artefacts with a leading space
    assert doc.article(9).body.count("闭环") == 1 and doc.article(4).label == "4."


def test_closing_provisions_are_a_citable_section():
    doc = _parse(ZHAOYUAN, "招政发〔2022〕21号")
    closing = [a for a in doc.articles if a.kind == "closing"]
    assert len(closing) == 1
    assert closing[0].number is None
    assert closing[0].body.startswith("本意见自2022年5月12日起施行。")
    assert "（招政发〔2019〕24号）同时废止。" in closing[0].body
    assert "本意见自" not in doc.article(30).body
    yantai = _parse(YANTAI, "烟政发〔2022〕8号")
    assert not [a for a in yantai.articles if a.kind == "closing"]


def test_preamble_is_the_addressee_and_introduction():
    doc = _parse(YANTAI, "烟政发〔2022〕8号")
    assert doc.preamble.startswith("各区市人民政府(管委),市政府各部门,有关单位:")
    assert doc.preamble.endswith("现就进一步加强政府自身建设提出如下意见。")


def test_differences_between_the_versions_survive():
    yt, zy = _parse(YANTAI, "烟政发〔2022〕8号"), _parse(ZHAOYUAN, "招政发〔2022〕21号")
    assert "每季度至少安排1天" in yt.article(14).body and "每月至少安排1天" in zy.article(14).body
    assert "12345" in yt.article(13).body and "89000" in zy.article(13).body


def test_bundled_corpus_loads_both_seeds_with_metadata():
    docs = {d.doc_number: d for d in load_documents(bundled_corpus_dir())}
    assert set(docs) == {"烟政发〔2022〕8号", "招政发〔2022〕21号"}
    zy = docs["招政发〔2022〕21号"]
    assert zy.meta.parent == "烟政发〔2022〕8号" and zy.meta.city == "招远" and zy.meta.level == "县级市"
    assert zy.meta.repeals == ["招政发〔2019〕24号"] and zy.meta.effective == "2022-05-12"
    assert docs["烟政发〔2022〕8号"].meta.written == "2022-03-07"
    # the bundled texts are the seeds exactly as received
    for d in docs.values():
        assert (bundled_corpus_dir() / "documents" / d.meta.text_file).read_bytes() == \
            (SEEDS / d.meta.text_file).read_bytes()


def test_whitespace_folding_keeps_latin_words_apart():
    assert fold_whitespace("招政发〔2022〕21 号") == "招政发〔2022〕21号"
    assert fold_whitespace("不少于 1 次") == "不少于1次"
    assert fold_whitespace("Produced  By  x") == "Produced By x"


@pytest.mark.parametrize("text, number", [
    ("十三", 13), ("一百零五", 105), ("13", 13), ("二〇二二", 2022), ("二○二三", 2023), ("十", 10), ("三十", 30),
    ("第三", None), ("", None),
])
def test_cn_to_int(text, number):
    assert cn_to_int(text) == number


@pytest.mark.parametrize("text, iso", [
    ("2022年5月12日", "2022-05-12"), ("2022-5-12", "2022-05-12"), ("二〇二二年五月十二日", "2022-05-12"),
    ("二○二三年十二月三十一日", "2023-12-31"), ("2022年13月1日", None),
])
def test_normalize_date(text, iso):
    assert normalize_date(text) == iso


def test_key_ignores_script_width_spacing_and_punctuation():
    assert key("《關於 加強“幹部”作風建設的意見》") == key("关于加强干部作风建设的意见") == "关于加强干部作风建设的意见"
    assert key("ＡＢＣ（试行）") == "abc试行"
    assert key("关于加强") != key("关于加强干部")
