"""A duty extracted at ingest answers a structured question only when its article is the one the question is
about: a count in a weaker article ("第三十七次会议…同时废止") does not outrank the article that states the
asked limit."""
from cli.main import main

LUOYANG = """洛阳市城市养犬管理条例

第一条 为了规范城市养犬行为，制定本条例。
第二条 携犬出户应当遵守下列规定：
（一）犬只束犬链并由成年人牵领，犬链全长不得超过1.5米；
（二）及时清除犬只粪便。
第三条 城市管理行政执法部门每年组织两次养犬管理检查。
第四条 本条例自2022年1月1日起施行。1998年4月10日洛阳市人民代表大会常务委员会第三十七次会议通过的《洛阳市限制养犬条例》同时废止。
"""


def test_the_article_the_question_is_about_outranks_a_duty_elsewhere(tmp_path):
    from retrieval.engine import Engine

    path = tmp_path / "luoyang.txt"
    path.write_text(LUOYANG, encoding="utf-8")
    corpus = tmp_path / "corpus"
    assert main(["ingest", str(path), "--corpus", str(corpus), "--issuer", "洛阳市人民代表大会常务委员会"]) == 0
    engine = Engine.load(corpus)
    answer = engine.ask("遛狗的狗链最长能多长？", "洛阳")
    assert answer.answered and "1.5米" in answer.first_line
    assert answer.citations[0].article == 2
    # the duty still answers where it is the article asked about
    answer = engine.ask("城管多久检查一次养犬？", "洛阳")
    assert answer.answered and answer.citations[0].article == 3 and "每年" in answer.first_line


PLATES = """某市门楼号牌管理条例

第一条 为了规范门楼号牌管理，制定本条例。
第二条 新建建筑物的建设单位应当申请确认门楼号。
第三条 公安机关收到申请后，材料齐全的，应当在受理申请之日起十五个工作日内出具《门楼号确认书》。公安机关应当自作出《门楼号确认书》之日起五个工作日内将确认情况书面告知住房城乡建设部门。
"""


def test_a_duty_is_matched_with_what_leads_up_to_it_and_synonyms_weigh_as_written(tmp_path):
    from retrieval.engine import Engine

    path = tmp_path / "plates.txt"
    path.write_text(PLATES, encoding="utf-8")
    corpus = tmp_path / "corpus"
    assert main(["ingest", str(path), "--corpus", str(corpus), "--city", "江门"]) == 0
    # 材料齐 and 公安 lead up to the fifteen-day duty; 房子 (said 住房 in the other duty) is the asker's word
    answer = Engine.load(corpus).ask("新房子申请门楼号，材料齐了公安要几个工作日出确认书？", "江门")
    assert answer.answered and "十五个工作日" in answer.first_line
