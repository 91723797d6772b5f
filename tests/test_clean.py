"""Tests of tagger.clean: each rule on small made-up strings, the seeds, and property tests.

All article text here is invented for the tests (or read from the seeds shipped in the repo).
Full-width punctuation is written as \\uXXXX escapes (an editing tool once silently turned such
characters into their ASCII look-alikes): \\uff0c comma, \\uff1a colon, \\uff1b semicolon, \\uff01 !,
\\uff1f ?, \\uff08 and \\uff09 brackets, \\uff1e >.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tagger.clean as clean_module
from tagger.clean import Cleaned, clean, clean_text, to_simplified

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
LABELS = ROOT / "labels"
BODY = "县政协组织委员深入贫困村开展调研\uff0c帮助村里发展茶叶种植产业。"
BODY2 = "今年以来\uff0c全县共举办种植技术培训班十二期\uff0c受益农户八百余户。"

TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_LEFT = re.compile(
    f"[\uff08(][a-zü{TONE}]*[{TONE}][a-zü{TONE}]*[\uff09)]|[a-zü]*[{TONE}][a-zü]*[\uff09)]")


def lines(text: str) -> list[str]:
    return clean_text(text).split("\n")


# ---------------------------------------------------------------- pinyin annotations


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("統(tǒng)一戰(zhàn)線", "统一战线"),
        ("醫\uff08yī\uff09療扶貧", "医疗扶贫"),  # full-width brackets
        ("堅(jiān)持( jiān )", "坚持"),  # spaces inside the brackets
        ("當?shù)地群眾", "当地群众"),  # opening bracket lost to a broken byte
        ("當shù)地群眾", "当地群众"),  # ... or dropped with U+FFFD
        ("統(tǒng一戰線", "统一战线"),  # closing bracket lost
        ("福建省小額信貸創(chuàng", "福建省小额信贷创"),  # text cut inside the annotation
    ],
)
def test_pinyin_annotations_are_removed(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "kept",
    [
        "本报讯(记者 张三)近日,县里召开会议。",
        "该项目(2018年)已经完成验收。",
        "《帮扶资金管理办法(试行)》正式印发。",
        "(通讯员 李四)全县共帮扶农户三百户。",
        "The author Zhang San (zhang) wrote it.",
        "他们开发了一个手机应用(app)。",
        "村民(men)",  # toneless brackets with no toned annotation in the text: not pinyin
    ],
)
def test_real_parentheses_survive(kept: str) -> None:
    assert clean_text(kept) == kept


def test_toneless_annotations_go_only_in_annotated_texts() -> None:
    assert clean_text("我們(men)的統(tǒng)戰工作") == "我们的统战工作"
    assert clean_text("手机应用(app)和統(tǒng)战") == "手机应用(app)和统战"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("統\uff08tǒng\uff09一戰\uff08zhàn\uff09線", "统一战线"),
        ("堅\uff08 jiān \uff09持", "坚持"),
        ("統\uff08tǒng)一", "统一"),  # mixed brackets
        ("當?shù\uff09地群眾", "当地群众"),
        ("當shù\uff09地群眾", "当地群众"),
        ("統\uff08tǒng一戰線", "统一战线"),
        ("我們\uff08men\uff09的統\uff08tǒng\uff09戰工作", "我们的统战工作"),
        ("手机应用\uff08app\uff09和統\uff08tǒng\uff09战", "手机应用\uff08app\uff09和统战"),
        ("本报讯\uff08记者 张三\uff09近日\uff0c县里召开会议。", "本报讯\uff08记者 张三\uff09近日\uff0c县里召开会议。"),
    ],
)
def test_pinyin_in_fullwidth_brackets(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


# ---------------------------------------------------------------- traditional -> simplified


def test_to_simplified_phrase_level() -> None:
    assert to_simplified("乾燥的頭髮") == "干燥的头发"
    assert to_simplified("乾隆年間") == "乾隆年间"  # phrase level: 乾 stays in 乾隆
    assert to_simplified("統一戰線和统一战线") == "统一战线和统一战线"  # mixed input


def test_to_simplified_is_a_fixed_point_and_total() -> None:
    for text in ["廣西壯族自治區", "薴麻", "", "abc", "a\ud800b"]:
        once = to_simplified(text)
        assert to_simplified(once) == once


def test_clean_converts_traditional() -> None:
    assert clean_text("廣西統一戰線為脫貧攻堅獻計出力") == "广西统一战线为脱贫攻坚献计出力"


def full_conversion(text: str) -> str:
    """OpenCC t2s repeated until stable, without the shortcut that skips text with nothing to convert."""
    for _ in range(5):
        new = clean_module._T2S.convert(text)
        if new == text:
            break
        text = new
    return text


def shipped_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for path in sorted(LABELS.rglob("*")):
        if path.suffix == ".jsonl":
            texts += [json.loads(row)["text"] for row in path.read_text(encoding="utf-8").splitlines() if row.strip()]
        elif path.suffix in (".txt", ".md", ".toml"):
            texts.append(path.read_text(encoding="utf-8"))
    return texts


def test_to_simplified_shortcut_is_exact_on_shipped_texts() -> None:
    texts = shipped_texts()
    assert len(texts) > 1000
    for text in texts:
        assert to_simplified(text) == full_conversion(text)
        for line in text.split("\n"):  # lines: many more texts with nothing to convert
            assert to_simplified(line) == full_conversion(line), line


@pytest.mark.parametrize(
    "text",
    ["縣政協組織醫衛界委員來到偏遠山村\uff0c為村民免費體檢並贈送常用藥品。", "乾燥的頭髮和乾隆年間", "薴麻",
     # phrases that convert although none of their characters converts on its own
     "他们反覆研究\uff0c沈思良久\uff0c藉此机会瞭解情况。", "一坏土", "英哩", "甦醒", "衹得",
     # ... and the same characters outside such phrases, where nothing converts
     "网络覆盖全村\uff0c沈阳的路修坏了。"],
)
def test_to_simplified_shortcut_is_exact_on_traditional_text(text: str) -> None:
    assert to_simplified(text) == full_conversion(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("覆反答沈思坏一打藉口此瞭解乾燥隆統一戰線薴麻甦醒衹得英海哩盖阳。\n a")),
               max_size=40))
def test_to_simplified_shortcut_is_exact_on_random_text(text: str) -> None:
    assert to_simplified(text) == full_conversion(text)


def opencc_dictionaries(config: Path) -> list[Path]:
    """The dictionary files named by an OpenCC configuration (normalisation and conversion)."""
    files: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "ocd2":
                files.append(node["file"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(json.loads(config.read_text(encoding="utf-8")))
    return [config.parent / name for name in files]


def test_to_simplified_shortcut_sees_every_dictionary_entry(tmp_path: Path) -> None:
    """Every dictionary key whose value differs from it is found by the shortcut's test, so that a
    text the test passes contains no key that would change, and converts to itself."""
    tool = Path(opencc.__file__).parent / "clib" / "bin" / "opencc_dict"
    tool_name = str(tool) if tool.exists() else shutil.which("opencc_dict")
    config = Path(getattr(clean_module._T2S, "config", ""))
    if tool_name is None or not config.is_file():
        pytest.skip("OpenCC's dictionaries cannot be read here (no opencc_dict tool or config file)")
    changing = []
    for ocd2 in opencc_dictionaries(config):
        out = tmp_path / (ocd2.stem + ".txt")
        subprocess.run([tool_name, "-i", str(ocd2), "-o", str(out), "-f", "ocd2", "-t", "text"],
                       check=True, capture_output=True)
        for row in out.read_text(encoding="utf-8").splitlines():
            key, values = row.split("\t")
            if values.split(" ")[0] != key:
                changing.append(key)
    assert len(changing) > 5000
    assert [key for key in changing if not clean_module._t2s_may_change(key)] == []


# ---------------------------------------------------------------- page furniture


@pytest.mark.parametrize(
    "furniture",
    [
        "首页 > 新闻中心 > 统战要闻",
        "首頁>黨派·聲音>統一戰線 統一戰線",
        "当前位置:首页>>理论文章>>正文内容",
        "您现在的位置:首页>本地新闻>社会民生",
        "某某晚报 > 新闻 > 社会",
        "首 页 要闻 时讯 民族宗教 非公经济 党外人士",
    ],
)
def test_breadcrumbs_and_menus_are_dropped(furniture: str) -> None:
    assert lines(f"{furniture}\n{BODY}") == [BODY]


@pytest.mark.parametrize(
    "furniture",
    ["字体:大 中 小", "【字体:大 中 小】 【打印】 【关闭】", "打印】 【关闭", "分享到:", "分享至: 微信 微博 QQ空间",
     "A+ A-", "扫一扫在手机上查看", "扫一扫在手机打开当前页", "上一篇:某某活动圆满结束", "—分享—", "返回某某网首页"],
)
def test_widget_lines_are_dropped(furniture: str) -> None:
    assert lines(f"{BODY}\n{furniture}\n{BODY2}") == [BODY, BODY2]


@pytest.mark.parametrize(
    "furniture",
    ["来源:某某县融媒体中心", "编辑:王小明", "作者:李四", "关键词:脱贫攻坚 扶贫 统一战线", "责任编辑:赵六",
     "[责任编辑:赵六]", "发布时间:2021-04-16 15:27", "发布日期:2015-07-22 阅读:4578",
     "2020-12-29 18:21:47 来源:某某日报", "作者:王五 来源:某某网 点击量:3009", "阅读:1024",
     "來源:某某新聞網", "(编辑:曾 易)", "关键词 精准扶贫;乡村振兴;产业发展", "2023-05-24 10:19:48",
     "2017年11月09日", "某某新闻网 2021-05-28 17:06", "地址:http://www.example.com/news/1.html"],
)
def test_metadata_lines_are_dropped(furniture: str) -> None:
    assert lines(f"{furniture}\n{BODY}") == [BODY]


@pytest.mark.parametrize("readtime", ["本篇文章2339字,读完约6分钟", "本文共1234字,阅读约3分钟"])
def test_read_time_lines_are_dropped(readtime: str) -> None:
    assert lines(f"{readtime}\n{BODY}") == [BODY]


def test_prose_mentioning_furniture_words_survives() -> None:
    text = ("据介绍,这些帮扶资金的来源主要是社会捐赠和企业出资。\n"
            "编辑部的记者走访了三个村,来源可靠的数据显示,村民收入明显增加。\n"
            "来源:某某日报")
    assert lines(text) == text.split("\n")[:2]


def test_repeated_headline_caption_is_kept_once() -> None:
    title = "某县 发挥统战优势 助力脱贫攻坚"
    text = "\n".join([title, BODY, title, BODY2, title, title])
    result = clean(text)
    assert result.text.split("\n") == [title, BODY, BODY2]
    assert result.removed == [title, title, title]


def test_title_line_is_kept_and_title_prefix_copy_dropped() -> None:
    title = "某县举行消费扶贫产品展销会"
    assert lines(f"{title}\n{BODY}\n标题:{title}") == [title, BODY]
    assert lines(f"原标题:{title}\n{BODY}") == [f"原标题:{title}", BODY]  # the only title: kept


def test_related_article_list_is_dropped() -> None:
    text = "\n".join([BODY, BODY2, "相关阅读", "- 某地举办春季运动会", "- 某市新建三座公园", "- 某县开通新公交线路"])
    assert lines(text) == [BODY, BODY2]
    text = "\n".join([BODY, "更多", "更多", "- 某国官员表示看好合作前景", BODY2])
    assert lines(text) == [BODY, BODY2]


def test_related_headlines_without_bullets_at_the_end_are_dropped() -> None:
    text = "\n".join([BODY, BODY2, "热点新闻", "某地举办春季运动会", "某市新建三座公园"])
    assert lines(text) == [BODY, BODY2]


def test_spam_line_is_dropped() -> None:
    spam = "免费在线观看高清视频,午夜剧场一区二区,久久热播不卡,日韩精品视频在线"
    assert lines(f"{spam}\n{BODY}") == [BODY]


def test_list_with_common_words_is_not_spam() -> None:
    text = "国产大豆,欧美品种,日韩市场"
    assert lines(text) == [text]


def test_footer_lines_are_dropped() -> None:
    text = f"{BODY}\n版权所有:某某县人民政府 备案号:某ICP备12345678号\n联系电话:0000-1234567 邮编:123456"
    assert lines(text) == [BODY]


def test_file_names_ids_and_symbol_lines_are_dropped() -> None:
    text = f"S005.jpg\n{BODY}\n1123630849_15408088738281n\n|\n……\n{BODY2}"
    assert lines(text) == [BODY, BODY2]


def test_truncated_copy_of_a_paragraph_is_dropped() -> None:
    cut = BODY2[:20]
    assert lines(f'{cut}">\n{BODY}\n{BODY2}') == [BODY, BODY2]


@pytest.mark.parametrize(
    "furniture",
    ["来源\uff1a某某县融媒体中心", "编辑\uff1a王小明", "\uff08作者\uff1a曹欣 责任编辑\uff1a王露\uff09", "时间\uff1a2017-11-09",
     "字数\uff1a1234", "首页 \uff1e 新闻中心 \uff1e 统战要闻"],
)
def test_furniture_with_fullwidth_punctuation_is_dropped(furniture: str) -> None:
    assert lines(f"{furniture}\n{BODY}") == [BODY]


def test_fullwidth_comma_spam_and_related_list_are_dropped() -> None:
    spam = "免费在线观看高清视频\uff0c午夜剧场一区二区\uff0c久久热播不卡\uff0c日韩精品视频在线"
    assert lines(f"{spam}\n{BODY}") == [BODY]
    assert lines(f"{BODY}\n相关阅读\uff1a\n- 某地举办春季运动会\n- 某市新建三座公园") == [BODY]
    title = "某县举行消费扶贫产品展销会"
    assert lines(f"{title}\n{BODY}\n标题\uff1a{title}") == [title, BODY]


@pytest.mark.parametrize("end", ["\uff01", "\uff1f"])
def test_fullwidth_exclamation_and_question_marks_make_prose(end: str) -> None:
    # After a related-article list, a closing sentence is kept: only headlines go with the list.
    closing = f"村民们纷纷表示\uff1a这下可真是太方便了{end}"
    assert lines(f"{BODY}\n相关阅读\n- 某地举办春季运动会\n{closing}") == [BODY, closing]


def test_fullwidth_separators_and_empty_brackets_are_tidied() -> None:
    assert clean_text("村里通了公路\uff0c\uff0c群众很高兴。") == "村里通了公路\uff0c群众很高兴。"
    assert clean_text("村里\uff08 \uff09通了公路\uff1b\uff1b群众很高兴。") == "村里通了公路\uff1b群众很高兴。"


# ---------------------------------------------------------------- URLs, HTML, mojibake


def test_urls_and_emails_are_removed() -> None:
    assert clean_text("某某网(http://www.example.com/a.html)讯:村里通了公路。") == "某某网讯:村里通了公路。"
    assert clean_text("详见 www.example.gov.cn 网站。") == "详见 网站。"
    assert clean_text("投稿请发至 abc@example.com 谢谢") == "投稿请发至 谢谢"
    assert clean_text(f"{BODY}\nhttps://example.com/news/2020/1.shtml") == BODY


def test_html_remnants_are_removed() -> None:
    assert clean_text("<p class=\"x\">村里通了公路。</p><p>群众很高兴。</p>") == "村里通了公路。\n群众很高兴。"
    assert clean_text("村里&nbsp;通了<b>公路</b>&amp;自来水。") == "村里 通了公路&自来水。"
    assert clean_text('点击<a href="javascript:;">这里</a>查看') == "点击这里查看"
    assert clean_text("重要作用。”?/p>") == "重要作用。”"  # "<" eaten by a broken byte
    assert clean_text("<script>var a = 1;</script>正文内容在这里。") == "正文内容在这里。"


def test_mojibake_is_repaired_or_removed() -> None:
    assert clean_text("ä¸­æ–‡æ–°é—»") == "中文新闻"  # UTF-8 read as cp1252
    assert clean_text("脱贫锟斤拷攻坚") == "脱贫攻坚"
    assert clean_text("扶贫???工作") == "扶贫工作"
    assert clean_text("?\n" + BODY) == BODY


def test_replacement_characters_are_removed_and_listed() -> None:
    result = clean("扶贫\ufffd\ufffd工作")
    assert result.text == "扶贫工作"
    assert "\ufffd\ufffd" in result.removed


# ---------------------------------------------------------------- characters and whitespace


def test_fullwidth_letters_and_digits_are_normalised_punctuation_kept() -> None:
    assert clean_text("\uff21\uff22\uff23公司投资\uff11\uff12\uff13万元") == "ABC公司投资123万元"
    kept = "村民说\uff1a“好\uff01”\uff0c真的吗\uff1f\uff08是的\uff09\uff1b好。"
    assert clean_text(kept) == kept


def test_odd_whitespace_and_invisible_characters() -> None:
    assert clean_text("\u3000\u3000村里\xa0通了\u200b公路。\ufeff") == "村里 通了公路。"
    assert clean_text("第一段。\r\n\r\n\r\n第二段。\u2028第三段。") == "第一段。\n第二段。\n第三段。"
    assert clean_text("村里   通了\t\t公路。") == "村里 通了 公路。"


def test_compatibility_ideographs_are_normalised() -> None:
    assert clean_text("\u2f63活") == "生活"  # Kangxi radical that PDF extraction produces


def test_empty_and_furniture_only_inputs() -> None:
    assert clean_text("") == ""
    assert clean_text("   \n\n\t") == ""
    assert clean("首页 > 新闻\n分享到:").text == ""


def test_removed_lists_dropped_lines_in_order() -> None:
    result = clean(f"首页 > 新闻\n{BODY}\n编辑:王五\n{BODY2}\n关键词:扶贫")
    assert result.removed == ["首页 > 新闻", "编辑:王五", "关键词:扶贫"]
    assert isinstance(result, Cleaned)


# ---------------------------------------------------------------- seeds shipped with the repo


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seeds(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    text = clean_text(raw)
    assert text and "\n\n" not in text
    assert not PINYIN_LEFT.search(text)
    assert to_simplified(text) == text
    assert clean_text(text) == text
    for furniture in ("首页", "编辑:", "关键词:", "本篇文章", "http", "- "):
        assert not any(line.startswith(furniture) for line in text.split("\n")), furniture
    # the first body line (the title in all five seeds but 001) survives, converted
    first_body = [ln for ln in raw.split("\n") if ln.strip() and not ln.startswith(("首頁", "本篇"))][0]
    first_body = to_simplified(re.sub(r"[\uff08(][^\uff08\uff09()]*[\uff09)]", "", first_body)).strip()
    assert text.split("\n")[0].startswith(first_body[:8])


def test_seed_repeated_caption_kept_once() -> None:
    text = clean_text((SEEDS / "001_a3083c307ba5b693.txt").read_text(encoding="utf-8"))
    caption_lines = [ln for ln in text.split("\n") if ln.startswith("綦江 发挥统战优势")]
    assert len(caption_lines) == 1


# ---------------------------------------------------------------- properties

PIECES = st.sampled_from([
    "統", "戰", "线", "(tǒng)", "(men)", "(", ")", "\uff08", "\uff09", "?", "<p>", "</p>", "<b>", "<", ">", "&amp;", "&",
    "amp;",
    "http://", "www.", "a.com", "@", "\n", " ", "\u3000", "\ufffd", "Ã", "©", "â€", "首页", ">", "来源:", "更多",
    "- ", "相关阅读", "。", ",", "2020-01-01", "12:30", "分享到", "大", "标题:", '"', "/>", "【", "】", "久久",
    "在线观看", "\uff0c", "\uff21", "\uff11", "\uff01", "&#65286;", "\u200b", "薴", "乾", "(zh", "ōng)", "中", "?/p>", "\r\n",
])
DOCS = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=40).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCS)
def test_clean_text_never_raises_and_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert to_simplified(once) == once
    assert "\n\n" not in once and once == once.strip("\n")
    assert clean(text).text == once


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_to_simplified_never_raises(text: str) -> None:
    once = to_simplified(text)
    assert to_simplified(once) == once



def clean_line_in_full_rounds(s: str, toneless: bool) -> tuple[str, list[str]]:
    """The fragment rules without shortcuts: every step in every round, normalising after each."""
    frags: list[str] = []
    for _ in range(clean_module._MAX_ROUNDS):
        new = s
        for step in clean_module._FRAGMENT_STEPS:
            new = step(new, frags, lambda: toneless)
        if new == s:
            break
        s = clean_module._normalize_chars(new).replace("\n", " ").strip()
    return s, frags


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCS, st.booleans())
def test_round_shortcuts_give_the_result_of_full_rounds(text: str, toneless: bool) -> None:
    for line in clean_module._normalize_chars(text).split("\n"):
        line = line.strip()
        frags: list[str] = []
        assert (clean_module._clean_line(line, frags, lambda: toneless), frags) == \
            clean_line_in_full_rounds(line, toneless)
