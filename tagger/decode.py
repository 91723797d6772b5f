"""Reading input documents: bytes -> text (encoding detection) and HTML -> article text.

Scraped Chinese pages arrive as UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030 or Big5, as plain text
or as whole HTML pages. Everything downstream (clean, segment, model) works on str, so this module
is the one place that guesses encodings and strips HTML, and the one place that turns an unreadable
file into an `InputError` naming it (so a batch can report it and go on).
"""
from __future__ import annotations

import codecs
import html as html_lib
import logging
import re
from pathlib import Path

import charset_normalizer

from tagger.errors import InputError

__all__ = ["decode_bytes", "html_to_text", "read_document", "looks_like_html"]

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)

# <meta charset="gbk"> / <meta http-equiv=... content="text/html; charset=gb2312">
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-]{2,20})", re.I)
# Declared legacy Chinese charsets are decoded with their supersets: pages labelled gb2312 routinely
# contain GBK-only characters, and big5 pages contain HKSCS ones.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
             "cp936": "gb18030", "big5": "big5hkscs", "x-x-big5": "big5hkscs", "cp950": "big5hkscs"}

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _reject_binary(text: str, source: str) -> None:
    """A decoding full of control characters is not a text document (an image, a zip ...)."""
    controls = len(_CONTROL.findall(text[:20000]))
    if controls > max(2, len(text[:20000]) // 100):
        raise InputError(source, "binary data, not a text document")


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """(text, encoding name). UTF-8 (with/without BOM) and UTF-16 with BOM first; otherwise
    charset-normalizer's best guess (GBK/GB18030, Big5 ...). Raises tagger.errors.InputError(source,
    reason) for binary data (NUL bytes / no plausible decoding) and for empty data.

    Order matters: a BOM is certain, strict UTF-8 almost never succeeds by accident on legacy
    bytes, and an HTML page's own <meta charset> beats a statistical guess; charset-normalizer only
    decides what is left.
    """
    if not data or not data.strip():
        raise InputError(source, "empty document")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise InputError(source, f"invalid {name} data after a {name} byte-order mark") from None
            text = text.lstrip("\ufeff")
            if not text.strip():
                raise InputError(source, "empty document")
            _reject_binary(text, source)
            return text, name
    if b"\x00" in data:
        raise InputError(source, "binary data (NUL bytes), not a text document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _reject_binary(text, source)
        return text, "utf-8"
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        label = declared.group(1).decode("ascii").lower()
        codec = _SUPERSET.get(label, label)
        try:
            text = data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            _reject_binary(text, source)
            return text, codec
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(source, "binary data or unknown encoding (no plausible decoding)")
    text = str(best)
    _reject_binary(text, source)
    return text, best.encoding


_HTML_START = re.compile(r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])",
                         re.I | re.S)
_HTML_TAGS = re.compile(r"</(?:p|div|span|a|td|li|body|html|head|title)>", re.I)


def looks_like_html(text: str) -> bool:
    """True when the text clearly is an HTML document (doctype/html/head/body opening, or many tags),
    so a .txt file holding a saved page is still stripped to its article text."""
    if _HTML_START.match(text[:2000]):
        return True
    head = text[:20000]
    return len(_HTML_TAGS.findall(head)) >= 5 and "<" in head[:200]


_DROP_BLOCKS = re.compile(r"<(script|style|noscript|head|template|svg)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_BLOCK_TAGS = re.compile(r"<\s*/?\s*(?:p|br|div|li|tr|h[1-6]|table|section|article|header|footer|ul|ol|dd|dt|blockquote|title)\b[^>]*>",
                         re.I)
_ANY_TAG = re.compile(r"<[^>]*>")
_BLANK_RUN = re.compile(r"\n\s*\n+")


def _strip_tags(html: str) -> str:
    """Fallback HTML -> text: drop invisible blocks, turn block tags into line breaks, drop the rest."""
    title = ""
    m = re.search(r"<title[^>]*>(.*?)</title\s*>", html, re.I | re.S)
    if m:
        title = html_lib.unescape(_ANY_TAG.sub("", m.group(1))).strip()
    body = _DROP_BLOCKS.sub("\n", html)
    body = _BLOCK_TAGS.sub("\n", body)
    body = html_lib.unescape(_ANY_TAG.sub("", body))
    lines = [ln.strip() for ln in body.splitlines()]
    text = "\n".join(ln for ln in lines if ln)
    if title and not text.startswith(title):
        text = f"{title}\n{text}" if text else title
    return text


def html_to_text(html: str, source: str) -> str:
    """Article text of an HTML page with trafilatura (title kept as first line if trafilatura
    gives one); falls back to stripping tags if trafilatura returns nothing.

    trafilatura keeps the article and drops menus and footers, which saves the cleaner work;
    favor_recall keeps short paragraphs that Chinese news pages are full of. Raises InputError(source)
    when the page has no text at all.
    """
    text = ""
    try:
        import trafilatura

        logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
        doc = trafilatura.bare_extraction(html, favor_recall=True, include_comments=False,
                                          include_tables=True, with_metadata=True)
        if doc is not None:
            body = (getattr(doc, "text", None) if not isinstance(doc, dict) else doc.get("text")) or ""
            title = (getattr(doc, "title", None) if not isinstance(doc, dict) else doc.get("title")) or ""
            body, title = body.strip(), title.strip()
            if body:
                text = body if not title or body.startswith(title) else f"{title}\n{body}"
    except Exception:  # trafilatura/lxml can fail on broken markup: use the fallback below
        text = ""
    if not text.strip():
        text = _strip_tags(html)
    if not text.strip():
        raise InputError(source, "HTML page has no text")
    return text


def read_document(path: Path) -> tuple[str, str]:
    """Read a .txt/.html/.htm file: bytes -> decode_bytes -> html_to_text for html (also when the
    content clearly is an HTML document) -> (raw text, encoding). Raises InputError naming the path."""
    path = Path(path)
    source = str(path)
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(source, "is a directory, not a document") from None
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror or exc}") from None
    text, encoding = decode_bytes(data, source)
    if path.suffix.lower() in (".html", ".htm", ".xhtml", ".shtml") or looks_like_html(text):
        text = html_to_text(text, source)
    return text, encoding
