"""Layouts and noise, read from each format a maintainer receives (txt, html, docx, pdf).

Every layout is written once as plain text; the other formats are made from it at test time
(tests/fixtures/make.py), and each must parse to the same articles as the text does.
"""
import re

import pytest

from retrieval.models import DocumentMeta
from retrieval.parse import parse_document
from retrieval.readers import read

from .fixtures import make

FORMATS = ["txt", "html", "docx", "pdf"]


def build(text: str, fmt: str, tmp_path, name: str = "doc", **kw):
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "txt":
        return make.write_txt(text, path)
    if fmt == "html":
        return make.write_html(text, path, title=kw.get("title", ""))
    if fmt == "docx":
        return make.write_docx(text, path, auto_numbering=kw.get("auto_numbering", False))
    return make.write_pdf(text, path, header=kw.get("header", ""))


def parse_file(path):
    return parse_document(read(path).text, DocumentMeta(doc_number="测〔2024〕1号", title=""))


def articles(doc):
    return [(a.label, a.number) for a in doc.articles if a.kind == "article"]


# ---- layouts, as plain text ------------------------------------------------------------------------

TIAO_CHAPTERS = """青岛市城市绿化条例实施办法
第一章 总 则
第一条 为了加强城市绿化建设和管理，改善生态环境，根据有关法律法规，结合本市实际，制定本办法。
第二条 本办法适用于本市城市规划区内的绿化规划、建设、保护和管理。
第二章 规划与建设
第一节 规划
第三条 城市绿地系统规划由市园林绿化主管部门会同自然资源规划部门编制，报市人民政府批准后实施。
第四条 新建居住区绿地率不得低于百分之三十，旧区改建不得低于百分之二十五。
第二节 建设
第五条 城市绿化工程竣工后，建设单位应当在十五日内组织验收，验收合格后方可交付使用。
第六条 绿化工程的设计方案应当经园林绿化主管部门审查，审查应当在受理之日起十个工作日内完成。
第三章 保护与管理
第七条 任何单位和个人不得擅自砍伐城市树木；确需砍伐的，应当报园林绿化主管部门批准，并按照砍一株补三株的标准补植。
第八条 本办法自2024年3月1日起施行。
"""
TIAO_CHAPTERS_ARTICLES = [(f"第{n}条", i) for i, n in enumerate("一二三四五六七八", 1)]

TIAO_FLAT = """大连市电动自行车管理规定
第一条 为了加强电动自行车管理，维护道路交通秩序，保障人身和财产安全，制定本规定。
第二条本规定适用于本市行政区域内电动自行车的销售、登记、通行及其相关管理活动。
第三条 电动自行车应当依法登记，取得号牌后方可上道路行驶；未登记的，依照第二条规定处理，
第五条规定的情形除外。
第四条电动自行车驾驶人应当年满十六周岁，驾驶时应当佩戴安全头盔，不得载人超过一名。
第四条之一 电动自行车不得在楼道、疏散通道、安全出口停放或者充电，物业服务企业应当每月至少巡查一次。
第五条 本规定自公布之日起施行。
"""
TIAO_FLAT_ARTICLES = [("第一条", 1), ("第二条", 2), ("第三条", 3), ("第四条", 4), ("第四条之一", 4), ("第五条", 5)]

CN_PAREN = """济南市人民政府办公厅关于进一步做好城市供暖保障工作的通知
各区县人民政府，市政府各部门：
为切实保障群众温暖过冬，经市政府同意，现就有关事项通知如下。
一、落实供暖保障责任
（一）压实企业主体责任。供热企业要在每年10月31日前完成管网和设施设备的检修维护，确保按时供热。
（二）强化部门监管责任。城市管理部门要每周至少开展1次供热质量抽查，抽查结果及时向社会公布。
二、提升供热服务质量
（一）保证室内温度。供热期间居民室内温度不得低于18摄氏度，达不到标准的应当按日退还热费。
（二）及时处理投诉。供热企业接到用户投诉后，应当在24小时内上门处理，处理结果在3个工作日内答复用户。
三、加强应急处置。各区县要制定供热应急预案，发生大面积停热时，要在2小时内启动应急响应并向社会公告。
"""
CN_PAREN_ARTICLES = [("一、（一）", 1), ("一、（二）", 2), ("二、（一）", 1), ("二、（二）", 2), ("三、", 3)]

CN_ONLY = """苏州市公共图书馆服务规范
为规范公共图书馆服务，提升服务效能，制定本规范。
十一、公共图书馆每周开放时间不少于56小时，法定节假日应当开放，闭馆时间应当提前7天向社会公告。
十二、读者借阅图书每次不超过10册，借期为30天，可以续借1次，续借期限为30天。
十三、公共图书馆应当每年至少开展2次读者满意度调查，调查结果作为改进服务的依据。
"""
CN_ONLY_ARTICLES = [("十一、", 11), ("十二、", 12), ("十三、", 13)]

ARABIC_RESTART = """杭州市人民政府关于促进夜间经济发展的实施意见
各区、县（市）人民政府，市政府各部门：
为激发消费活力，现就促进夜间经济发展提出如下意见。
一、优化夜间消费环境
1.延长营业时间。鼓励商业综合体在周五至周日将营业时间延长至22时以后，重点街区可以延长至24时。
2.完善交通配套。公交企业要在夜间消费集聚区增开夜间公交线路，末班车时间不早于23时。
二、丰富夜间消费业态
1.打造特色街区。每个区县（市）至少培育1条夜间经济特色街区，形成各具特色的消费场景。
2.举办主题活动。每年举办不少于2场夜间消费主题促进活动，营造浓厚的消费氛围。
"""
ARABIC_RESTART_ARTICLES = [("一、1.", 1), ("一、2.", 2), ("二、1.", 1), ("二、2.", 2)]

HEADINGS_OVER_ARABIC = """宁波市人民政府办公厅关于加快推进数字政府建设的实施方案
一、总体要求
（一）指导思想
坚持以人民为中心的发展思想，以数字化改革为牵引，全面提升政府履职的数字化、智能化水平。
二、主要任务
（一）推进政务服务一网通办
1.推动事项网上办理。到2025年底，依申请政务服务事项全程网办率达到90%以上。
2.推进电子证照应用。各部门要在2024年6月底前完成常用证照的电子化归集，实现免提交。
（二）强化数据共享
1.建设数据共享平台。市大数据管理部门负责建设全市统一的数据共享平台，每季度通报1次数据共享情况。
2.规范数据使用。数据使用部门应当按照最小必要原则使用共享数据，不得用于其他目的。
"""
# "1." starts again under each （一）: the label says where ("二、（一）1.")
HEADINGS_OVER_ARABIC_ARTICLES = [("一、（一）", 1), ("二、（一）1.", 1), ("二、（一）2.", 2), ("二、（二）1.", 1), ("二、（二）2.", 2)]

LAYOUTS = {
    "tiao-under-chapters-and-sections": (TIAO_CHAPTERS, TIAO_CHAPTERS_ARTICLES),
    "flat-tiao-with-and-without-space": (TIAO_FLAT, TIAO_FLAT_ARTICLES),
    "cn-with-paren-items-mixed": (CN_PAREN, CN_PAREN_ARTICLES),
    "cn-items-alone": (CN_ONLY, CN_ONLY_ARTICLES),
    "arabic-restarting-under-parts": (ARABIC_RESTART, ARABIC_RESTART_ARTICLES),
    "headings-over-arabic": (HEADINGS_OVER_ARABIC, HEADINGS_OVER_ARABIC_ARTICLES),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_layout_in_every_format(layout, fmt, tmp_path):
    text, expected = LAYOUTS[layout]
    doc = parse_file(build(text, fmt, tmp_path, title=text.splitlines()[0]))
    assert articles(doc) == expected
    if fmt != "txt":
        # the other formats give the very same articles as the text, sentence for sentence
        plain = parse_file(build(text, "txt", tmp_path, name="plain"))
        assert [(a.label, a.body) for a in doc.articles] == [(a.label, a.body) for a in plain.articles]


def test_chapters_and_sections_head_their_articles():
    doc = parse_document(TIAO_CHAPTERS, DocumentMeta("x", "青岛市城市绿化条例实施办法"))
    by_label = {a.label: a for a in doc.articles}
    assert by_label["第一条"].part == "第一章总则"
    assert by_label["第三条"].part == "第二章规划与建设 第一节规划"
    assert by_label["第六条"].part == "第二章规划与建设 第二节建设"
    assert by_label["第七条"].part.startswith("第三章")
    assert len(doc.parts) == 5 and doc.warnings == []


def test_flat_tiao_keeps_references_and_zhi_yi_articles():
    doc = parse_document(TIAO_FLAT, DocumentMeta("x", "t"))
    art3 = next(a for a in doc.articles if a.label == "第三条")
    # "第五条规定的情形除外" starts a line but is a reference inside 第三条, not an article
    assert art3.body.endswith("依照第二条规定处理，第五条规定的情形除外。")
    art2 = next(a for a in doc.articles if a.label == "第二条")
    assert art2.body.startswith("本规定适用于")  # no space after the label
    assert doc.warnings == []  # 第四条之一 is not a duplicate of 第四条


def test_mixed_items_with_and_without_sub_items():
    doc = parse_document(CN_PAREN, DocumentMeta("x", CN_PAREN.splitlines()[0]))
    a = {x.label: x for x in doc.articles}
    assert a["二、（二）"].heading == "及时处理投诉" and a["二、（二）"].part == "二、提升供热服务质量"
    assert a["三、"].body.startswith("加强应急处置。各区县要制定供热应急预案")
    assert doc.preamble.startswith("各区县人民政府，市政府各部门：")


def test_a_heading_line_becomes_the_heading_of_the_text_under_it():
    doc = parse_document(HEADINGS_OVER_ARABIC, DocumentMeta("x", "t"))
    first = doc.articles[0]
    assert (first.label, first.heading) == ("一、（一）", "指导思想")
    assert first.body.startswith("坚持以人民为中心")
    assert doc.articles[3].part == "二、主要任务 （二）强化数据共享"


def test_cn_numbers_are_integers():
    doc = parse_document(CN_ONLY, DocumentMeta("x", "t"))
    assert doc.article(13).label == "十三、"
    assert any("numbering gaps" in w for w in doc.warnings)  # 一、 to 十、 are not there


def test_gaps_duplicates_and_disorder_are_reported():
    text = ("某某办法\n第一条 为了规范管理，制定本办法。\n第二条 本办法适用于全市。\n第五条 第一项规定。\n"
            "第五条 第二项规定。\n第四条 第三项规定。\n第七条 本办法自发布之日起施行。\n")
    doc = parse_document(text, DocumentMeta("x", "t"))
    assert [a.label for a in doc.articles] == ["第一条", "第二条", "第五条", "第五条", "第四条", "第七条"]
    w = " | ".join(doc.warnings)
    assert "duplicate article numbers: 第五条" in w
    assert "out of order: 第四条 after 第五条" in w
    assert "numbering gaps: 2 missing (3, 6)" in w


# ---- noise ------------------------------------------------------------------------------------------

WEIHAI_TITLE = "威海市人民政府办公室关于印发威海市城市公共停车设施管理办法的通知"


def test_web_navigation_info_table_and_footer_are_not_text(tmp_path):
    text = make.source("weihai_parking.txt")
    path = make.write_html(text, tmp_path / "page.html", title=WEIHAI_TITLE,
                           info={"索引号": "11371000MB28517/2023-00012", "发文字号": "威政办发〔2023〕12号"})
    raw = read(path).text
    assert "当前位置" in raw and "打印本页" in raw  # the stored text keeps the page as received …
    doc = parse_document(raw, DocumentMeta("威政办发〔2023〕12号", WEIHAI_TITLE))
    everything = doc.preamble + "".join(a.body + a.part for a in doc.articles)
    for noise in ("当前位置", "首页", "打印本页", "关闭窗口", "主办单位", "网站标识码", "ICP", "索引号", "统计代码", "无障碍"):
        assert noise not in everything  # … the parsed document does not
    last = doc.article(17)
    assert last.body.endswith("同时废止。")
    # an inline <span> and a source line break inside a paragraph do not split it
    assert "缓解停车难问题" in doc.article(1).body


def test_a_sentence_that_opens_like_a_page_footer_is_text_and_the_articles_go_on():
    # "承办单位应当…" is a duty of the body that handles a request, not the site's "承办单位：" line
    text = ("某市接诉即办条例\n第一条 为了规范接诉即办工作，制定本条例。\n"
            "第二条 承办单位应当采取下列措施：\n（一）定期分析诉求；\n（二）开展源头治理。\n"
            "承办单位应当利用新闻媒体资源，及时发现问题。\n"
            "第三条 诉求人应当如实表达诉求。\n第四条 本条例自公布之日起施行。\n"
            "主办单位：某市人民政府办公室\n")
    doc = parse_document(text, DocumentMeta("测〔2024〕2号", ""))
    assert [n for _, n in articles(doc)] == [1, 2, 3, 4]
    assert "新闻媒体资源" in doc.article(2).body
    assert "某市人民政府办公室" not in "".join(a.body for a in doc.articles)


def test_a_line_that_looks_like_the_end_is_kept_when_the_numbering_goes_on():
    text = ("某市管理办法\n第一条 为了加强管理，制定本办法。\n第二条 本办法适用于本市。\n"
            "2024年1月1日\n"  # a date line on its own mid-text (a quoted record), not the signature's date
            "第三条 市人民政府负责组织实施。\n第四条 本办法自发布之日起施行。\n")
    doc = parse_document(text, DocumentMeta("测〔2024〕3号", ""))
    assert [n for _, n in articles(doc)] == [1, 2, 3, 4]
    assert any("numbering goes on" in w for w in doc.warnings)


@pytest.mark.parametrize("encoding", ["gb18030", "big5", "utf-16", "utf-8-sig"])
def test_text_files_in_other_encodings(encoding, tmp_path):
    text = make.source("weifang_flood.txt")
    if encoding == "big5":
        text = make.traditional(text, "s2tw")
    doc = parse_file(make.write_txt(text, tmp_path / "enc.txt", encoding=encoding))
    assert articles(doc)[-1] == ("五、", 5) and doc.articles[0].body.startswith(
        "落实行政首长负责制" if encoding != "big5" else "落實行政首長負責制")


def test_gb2312_web_page(tmp_path):
    text = make.source("weifang_flood.txt")
    path = make.write_html(text, tmp_path / "gb.html", title="潍坊", encoding="gb2312")
    doc = parse_file(path)
    assert articles(doc)[0] == ("一、（一）", 1) and "防汛第一责任人" in doc.articles[0].body


def test_pdf_line_breaks_page_numbers_and_running_headers(tmp_path):
    text = make.source("weihai_parking.txt")
    path = make.write_pdf(text, tmp_path / "weihai.pdf", width=24, header="威政办发〔2023〕12号")
    raw = read(path).text
    assert "- 2 -" in raw and raw.count("威政办发〔2023〕12号") >= 3  # as extracted …
    doc = parse_file(path)
    plain = parse_document(text, DocumentMeta("测〔2024〕1号", ""))
    assert [(a.label, a.body) for a in doc.articles] == [(a.label, a.body) for a in plain.articles]
    bodies = "".join(a.body for a in doc.articles)
    assert "- 2 -" not in bodies and "威政办发〔2023〕12号" not in bodies.replace("（威政办发〔2015〕30号）", "")
    assert not re.search(r"\s", bodies)


def test_pdf_with_blank_lines_between_lines(tmp_path):
    text = make.source("weifang_flood.txt")
    doc = parse_file(make.write_pdf(text, tmp_path / "f.pdf", width=22, blank_between=True))
    plain = parse_document(text, DocumentMeta("测〔2024〕1号", ""))
    assert [(a.label, a.body) for a in doc.articles] == [(a.label, a.body) for a in plain.articles]


@pytest.mark.parametrize("fmt", FORMATS)
def test_traditional_script_with_pinyin_left_in(fmt, tmp_path):
    text = make.with_pinyin(make.traditional(make.source("weihai_parking.txt")))
    assert "(guān)" in text or "(yú)" in text
    doc = parse_file(build(text, fmt, tmp_path, title="威海"))
    labels = [a.label for a in doc.articles if a.kind == "article"]
    assert labels == [f"第{n}條" for n in ("一二三四五六七八九十" + "")] + [f"第十{n}條" for n in "一二三四五六七"]
    assert [a.number for a in doc.articles if a.kind == "article"] == list(range(1, 18))
    everything = "".join(a.body + a.part for a in doc.articles)
    assert not re.search(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔù]+[)）]", everything)  # the pinyin is gone
    assert "停車" in everything and "辦法" in everything  # traditional script kept for quoting
    assert doc.parts[0] == "第一章總則"


def test_docx_automatic_numbering_is_written_into_the_text(tmp_path):
    text = make.source("weihai_parking.txt")
    path = make.write_docx(text, tmp_path / "auto.docx", auto_numbering=True)
    extracted = read(path)
    assert any("automatic numbering" in w for w in extracted.warnings)
    doc = parse_document(extracted.text, DocumentMeta("x", ""))
    assert [a.label for a in doc.articles][:3] == ["第一条", "第二条", "第三条"]
    assert doc.article(12).body.startswith("住房城乡建设部门应当每季度至少组织开展1次")


def test_markdown_headings(tmp_path):
    md = "# 某某市物业管理办法\n\n## 第一章 总则\n\n第一条 为了规范物业管理活动，制定本办法。\n\n" \
         "### 第一节 一般规定\n\n第二条 本办法适用于本市行政区域内的物业管理活动。\n"
    doc = parse_document(md, DocumentMeta("x", "某某市物业管理办法"))
    assert [a.label for a in doc.articles] == ["第一条", "第二条"]
    assert doc.articles[1].part == "第一章总则 第一节一般规定"


# ---- decimal clause numbers, web page headers, places (issue 10) -------------------------------------

DECIMAL = """某市物业服务规范

1. 总则
1.1 为规范物业服务，制定本规范。
1.2 本规范适用于本市住宅小区。
2. 服务要求
2.1 物业服务企业应当每日巡查一次。
2.1.1 巡查应当记录。
2.1.2 记录保存一年。
2.2 电梯每半月维护一次，1.5米以上的护栏每月检查。
"""


def test_decimal_clause_numbers_are_articles_and_sub_items():
    doc = parse_document(DECIMAL, DocumentMeta("x", ""))
    assert articles(doc) == [("1.1", 1), ("1.2", 2), ("2.1", 1), ("2.2", 2)]
    assert doc.layout == "1. > 1.1" and not doc.warnings
    clause = next(a for a in doc.articles if a.label == "2.1")
    assert clause.part == "2.服务要求" and "记录保存一年" in clause.body  # 2.1.1, 2.1.2 are its sub-items
    flat = parse_document("某县河道管理细则\n1.1 为加强河道管理，制定本细则。\n1.2 本细则适用于本县河道。\n"
                          "2.1 河长每月巡河一次。\n2.2 巡河不少于30分钟。\n", DocumentMeta("x", ""))
    assert articles(flat) == [("1.1", 1), ("1.2", 2), ("2.1", 1), ("2.2", 2)]


def test_cn_parts_with_arabic_items_restarting_per_part():
    text = ("查阅须知\n一、阅览制度\n1、本馆档案应在阅览室阅览。\n2、利用档案需持介绍信。\n"
            "二、复制制度\n1、复制档案需经批准。\n2、复制应当登记。\n三、开放时间：工作日全天开放。\n")
    doc = parse_document(text, DocumentMeta("x", ""))
    assert [a.label for a in doc.articles if a.kind == "article"][:4] == ["一、1、", "一、2、", "二、1、", "二、2、"]


def _detect(text: str):
    from retrieval.metadata import detect
    return detect(text, parse_document(text, DocumentMeta("x", "")), {}, "file_stem")


def test_web_page_navigation_and_metadata_table():
    text = ("1. 当前位置:\n  2. 首页 > 政务公开 > 通知公告\n3. > 正文\n\n防汛值班安排\n\n"
            "索  引  号 abc/2023-00001 主题分类\n发布机构 寿光市水利局 发布日期 2023-06-01 09:00\n"
            "名        称 防汛值班安排\n文        号 〔〕号 主  题  词 防汛\n来        源\n\n"
            "一、汛期实行24小时值班。\n二、值班人员不得脱岗。\n\n打印本页  关闭窗口\n")
    d = _detect(text)
    assert (d.get("title"), d.get("issuer"), d.get("published")) == ("防汛值班安排", "寿光市水利局", "2023-06-01")
    assert d.get("doc_number") is None  # "〔〕号" is no 文号
    assert (d.get("city"), d.get("level")) == ("寿光", "县级市")
    doc = parse_document(text, DocumentMeta("x", ""))
    assert [a.label for a in doc.articles if a.kind == "article"] == ["一、", "二、"]
    assert "当前位置" not in doc.preamble and "索" not in doc.preamble


def test_a_page_heading_not_its_column_and_a_doc_number_after_its_label():
    text = ("通知公告\n值班要求\n- 信息来源:福州市鼓楼区档案馆\n- 发布日期:2023-05-29 09:43\n发布文号:鼓档〔2023〕5号\n"
            "一、值班人员应当按时到岗。\n二、值班记录应当保存一年。\n扫一扫在手机打开当前页\n")
    d = _detect(text)
    assert (d.get("title"), d.get("doc_number"), d.get("issuer")) == ("值班要求", "鼓档〔2023〕5号", "福州市鼓楼区档案馆")
    assert (d.get("city"), d.get("level")) == ("鼓楼区", "市辖区")


def test_a_bare_notice_title_and_a_signature_without_place():
    text = ("公 告\n根据工作安排，历下区人民政府领导将接听热线来电。\n现将有关事项公告如下:\n"
            "一、接电时间\n2018年8月13日上午\n二、受理范围\n历下区人民政府职权范围内的诉求。\n"
            "三、其他渠道\n市民也可以通过热线网站、济南市热线公众号表达诉求，由热线转派历下区人民政府处理。\n"
            "12345政府服务热线管理办公室\n2018年8月10日\n")
    d = _detect(text)
    assert (d.get("title"), d.get("issuer"), d.get("written")) == ("公告", "12345政府服务热线管理办公室", "2018-08-10")
    assert (d.get("city"), d.get("level")) == ("济南", "地级市")  # 历下区 and 济南市 both lie in 济南


LAW = """山东省物业管理条例

2019年1月1日 山东省第十三届人民代表大会常务委员会第五次会议通过

2021年3月1日 山东省第十三届人民代表大会常务委员会第二十次会议修正

2021年3月1日 山东省人民代表大会常务委员会公告第9号公布

2021年5月1日 施行

第一条 为了规范物业管理活动，制定本条例。

第二条 本条例适用于本省行政区域内的物业管理活动。
"""


def test_the_record_under_a_laws_title_gives_issuer_and_dates():
    d = _detect(LAW)
    assert d.get("issuer") == "山东省人民代表大会常务委员会"
    assert (d.get("written"), d.get("published"), d.get("effective")) == ("2021-03-01", "2021-03-01", "2021-05-01")
    assert (d.get("city"), d.get("level")) == ("山东", "省")  # a province's document belongs to the province


@pytest.mark.parametrize("issuer, city, level", [
    ("上海市绿化和市容管理局", "上海", "直辖市"),
    ("中共宣城市委党史和地方志研究室", "宣城", "地级市"),
    ("泉州市丰泽区人民政府", "丰泽区", "市辖区"),
    ("新疆维吾尔自治区人民政府", "新疆", "省"),
    ("国务院办公厅", "", ""),
])
def test_place_and_level_of_the_issuer(issuer, city, level):
    d = _detect(f"关于做好安全检查工作的通知\n各单位：\n一、做好检查。\n二、按时报告。\n{issuer}\n2023年1月5日\n")
    assert d.get("issuer") == issuer
    assert (d.get("city", ""), d.get("level", "")) == (city, level)


def test_words_that_open_like_a_place_name_no_place():
    for title in ("资源税征收管理办法", "公安机关督察办法", "港口管理规定"):  # 资源县, 公安县, 港口区
        d = _detect(f"{title}\n第一条 为了规范管理，制定本办法。\n第二条 本办法自公布之日起施行。\n")
        assert d.get("city", "") == "" and d.get("level", "") == ""
    d = _detect("深圳经济特区物业管理条例\n第一条 为了规范管理，制定本条例。\n第二条 本条例自公布之日起施行。\n")
    assert (d.get("city"), d.get("level")) == ("深圳", "地级市")


def test_a_page_with_unnumbered_headings_is_read_as_items_under_them():
    raw = ("某区秋假托管服务工作通知\n发布时间:2025-09-23\n现将我区秋假托管服务工作安排通知如下:\n服务对象\n本区小学在籍学生。\n"
           "服务时间\n9月29日~9月30日 每天上午8:30-下午17:30。\n报名方式\n请直接联系班主任报名。\n来源:某区新闻网 作者: 编辑:某某\n")
    doc = parse_document(raw, DocumentMeta(title="某区秋假托管服务工作通知", doc_number="x"))
    assert [a.heading for a in doc.articles] == ["服务对象", "服务时间", "报名方式"]
    assert doc.articles[1].body.startswith("9月29日") and "来源" not in doc.articles[2].body
    assert all(a.label == "" and a.number is None for a in doc.articles)  # no number the page does not give


def test_a_page_of_paragraphs_without_headings_is_still_refused():
    with pytest.raises(ValueError, match="no recognizable structure"):
        parse_document("某通知\n这是第一段文字，没有编号。\n这是第二段文字，也没有编号。\n",
                       DocumentMeta(title="某通知", doc_number="x"))
