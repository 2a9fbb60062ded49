import pytest

from retrieval.corpus import read_vocabulary
from retrieval.intents import detect, wants_comparison
from retrieval.text import fold


@pytest.mark.parametrize("question, intent", [
    ("市政府领导多久接听一次热线？", "frequency"),
    ("一线办公多长时间搞一次", "frequency"),
    ("热点部门主要负责人接听热线电话的频次", "frequency"),
    ("接待群众来访的频率是多少", "frequency"),
    ("理论学习中心组每月学习研讨几次？", "count"),
    ("每人联系几个小升规企业？", "quantity"),
    ("各区市政府每年提报多少个重大招商项目？", "quantity"),
    ("离烟外出要提前几天请假？", "deadline"),
    ("收函单位几个工作日内反馈？", "deadline"),
    ("文件会签时间不超过几个工作日？", "deadline"),
    ("经济形势分析研判每月什么时候开展？", "date"),
    ("出庭应诉率要保持多少？", "ratio"),
    ("四不两直调研占比要达到多少？", "ratio"),
    ("河湖长制由谁履行职责？", "who"),
    ("什么是严真细实快作风？", "definition"),
    ("四证齐发是指哪四个证？", "definition"),
    ("这个意见废止了哪个文件？", "repeal"),
    ("招远的意见从哪天开始施行？", "effective"),
    ("烟台的意见什么时候印发的？", "issued"),
    ("涉密资料能不能用微信传输？", "lookup"),
    ("開展一線辦公的頻次是多少？", "frequency"),
])
def test_detect(question, intent):
    assert detect(fold(question)).name == intent


def test_the_question_frames_are_read_in_the_lexicon_order():
    """intents.yaml decides: "什么时候施行" is `effective` because that frame comes before `date`."""
    names = [i["name"] for i in read_vocabulary("intents.yaml")["intents"]]
    assert names.index("effective") < names.index("date") < names.index("frequency")
    assert detect(fold("本办法什么时候施行")).name == "effective"
    assert detect(fold("什么时候报送")).name == "date"


def test_wants_comparison():
    assert wants_comparison(fold("请假规定有什么区别"), ["招远"])
    assert not wants_comparison(fold("请假要提前几天"), ["招远"])
    assert wants_comparison(fold("请假要提前几天"), ["招远", "烟台"])
