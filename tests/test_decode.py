"""Tests of tagger.decode: encodings, HTML, and unreadable inputs (files written to tmp_path)."""
from __future__ import annotations

import codecs
from pathlib import Path

import pytest

import tagger.decode as decode
from tagger.decode import decode_bytes, html_to_text, looks_like_html, read_document
from tagger.errors import InputError

SIMPLIFIED = (
    "县政协组织医卫界委员来到偏远山村，为村民免费体检并赠送常用药品。\n"
    "活动中，委员们还为村医开展了业务培训，帮助提高基层医疗服务水平。\n"
    "村民们纷纷表示，在家门口就能看上专家门诊，真是太方便了。\n"
)
TRADITIONAL = (
    "縣政協組織醫衛界委員來到偏遠山村，為村民免費體檢並贈送常用藥品。\n"
    "活動中，委員們還為村醫開展了業務培訓，幫助提高基層醫療服務水準。\n"
    "村民們紛紛表示，在家門口就能看上專家門診，真是太方便了。\n"
)
PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>县政协组织委员开展送医下乡活动</title>
<style>p {{ color: red; }}</style></head>
<body>
<div class="nav"><a href="/">首页</a> &gt; <a href="/news">新闻中心</a></div>
<h1>县政协组织委员开展送医下乡活动</h1>
<div class="content">{paragraphs}</div>
<div class="footer">版权所有 某某县政协办公室</div>
<script>var tracker = 1;</script>
</body></html>
"""


def page(text: str = SIMPLIFIED) -> str:
    return PAGE.format(paragraphs="".join(f"<p>{line}</p>\n" for line in text.splitlines()))


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "name, data, encoding",
    [
        ("plain.txt", SIMPLIFIED.encode("utf-8"), "utf-8"),
        ("bom.txt", codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
        ("utf16le.txt", SIMPLIFIED.encode("utf-16"), "utf-16"),  # Python writes a BOM
        ("utf16be.txt", codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
    ],
)
def test_unicode_files(tmp_path: Path, name: str, data: bytes, encoding: str) -> None:
    text, enc = read_document(write(tmp_path, name, data))
    assert text == SIMPLIFIED
    assert enc == encoding


def test_gbk_file(tmp_path: Path) -> None:
    text, enc = read_document(write(tmp_path, "gbk.txt", SIMPLIFIED.encode("gbk")))
    assert text == SIMPLIFIED
    assert enc.lower().replace("_", "") in {"gb18030", "gbk", "gb2312", "cp936"}


def test_big5_file(tmp_path: Path) -> None:
    text, enc = read_document(write(tmp_path, "big5.txt", TRADITIONAL.encode("big5")))
    assert text == TRADITIONAL
    assert "big5" in enc.lower() or enc.lower() == "cp950"


def test_html_file(tmp_path: Path) -> None:
    text, enc = read_document(write(tmp_path, "page.html", page().encode("utf-8")))
    assert enc == "utf-8"
    lines = text.splitlines()
    assert lines[0] == "县政协组织委员开展送医下乡活动"  # the title first
    for line in SIMPLIFIED.splitlines():
        assert line in lines
    assert "tracker" not in text and "color" not in text and "<" not in text


def test_gbk_html_with_meta_charset(tmp_path: Path) -> None:
    html = page().replace('charset="utf-8"', 'charset="gb2312"')
    text, enc = read_document(write(tmp_path, "page.htm", html.encode("gbk")))
    assert enc == "gb18030"  # declared gb2312 is read with its superset
    assert SIMPLIFIED.splitlines()[0] in text


def test_html_content_in_a_txt_file_is_extracted(tmp_path: Path) -> None:
    text, _ = read_document(write(tmp_path, "saved.txt", page().encode("utf-8")))
    assert "<p>" not in text and SIMPLIFIED.splitlines()[1] in text


def test_looks_like_html() -> None:
    assert looks_like_html(page())
    assert looks_like_html("  <html><body><p>x</p></body></html>")
    assert not looks_like_html("本报讯 某县召开会议,强调 a<b 的关系。")


def test_html_to_text_falls_back_to_stripping_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    text = html_to_text(page(), "fallback.html")
    assert text.splitlines()[0] == "县政协组织委员开展送医下乡活动"
    assert SIMPLIFIED.splitlines()[2] in text
    assert "tracker" not in text and "<" not in text


def test_html_without_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match="blank.html"):
        html_to_text("<html><body><script>var a;</script></body></html>", "blank.html")


def test_binary_file_is_an_input_error(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    path = write(tmp_path, "picture.txt", data)
    with pytest.raises(InputError, match="picture.txt") as info:
        read_document(path)
    assert info.value.source == str(path)


def test_binary_without_nul_bytes_is_an_input_error() -> None:
    data = bytes((i * 37 + 11) % 32 for i in range(3000))  # control bytes only
    with pytest.raises(InputError, match="blob"):
        decode_bytes(data, "blob")


@pytest.mark.parametrize("data", [b"", b"   \n\t  ", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_empty_file_is_an_input_error(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, "empty.txt", data)
    with pytest.raises(InputError, match="empty.txt") as info:
        read_document(path)
    assert "empty" in info.value.reason


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nothing.txt"):
        read_document(tmp_path / "nothing.txt")


def test_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=tmp_path.name):
        read_document(tmp_path)


def test_decode_then_clean_round_trip(tmp_path: Path) -> None:
    from tagger.clean import clean_text

    text, _ = read_document(write(tmp_path, "trad.txt", TRADITIONAL.encode("big5")))
    cleaned = clean_text(text)
    assert cleaned.splitlines()[0].startswith("县政协组织医卫界委员")
    assert decode.decode_bytes(cleaned.encode("utf-8"), "x") == (cleaned, "utf-8")
