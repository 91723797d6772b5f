"""Text cleaning: turn a scraped article into plain simplified-Chinese body text.

Scraped inputs carry noise that misleads a classifier: pinyin glued after characters by a broken
converter (統(tǒng)一戰(zhàn)線), traditional characters, HTML and URL remnants, mojibake, page furniture
(breadcrumbs, 来源/编辑 lines, share widgets, related-article lists, footers, injected spam) and the
headline repeated as an image caption. `clean` removes that noise and keeps the title and every body
paragraph; `Cleaned.removed` lists what was dropped so `tagger clean --diff` can show it.

Design, and why:
* Character rules (full-width letters, odd spaces, invisible characters, entities, Latin-1 mojibake)
  run on the whole text first, with `str.translate` and a few regexes, because they are cheap there
  and every later rule can then assume normal characters.
* Fragment rules (tags, URLs, pinyin annotations, broken bytes ...) run per line, only on lines a
  single "gate" regex flags, and are repeated until nothing changes: removing one fragment can join
  two halves of another (``中<b></b>(zhōng)``), and `clean_text` must be idempotent.
* Traditional -> simplified conversion (OpenCC, phrase level) runs once over all lines, before the
  furniture rules, so keyword lists only need simplified spellings.
* Furniture rules are line rules driven by the word lists in ``labels/furniture.toml``; each fires
  only on short, non-prose lines, so a body sentence that mentions 来源 survives. No rule depends on a
  line's position, which keeps the cleaner idempotent: a second pass sees the same lines again.
"""
from __future__ import annotations

import html
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import opencc

from tagger.errors import DataError

__all__ = ["Cleaned", "clean", "clean_text", "to_simplified", "FURNITURE_PATH"]

#: Keyword data for the furniture rules; shipped in the repository beside the package.
FURNITURE_PATH = Path(__file__).resolve().parent.parent / "labels" / "furniture.toml"


@dataclass(frozen=True)
class Cleaned:
    """Result of `clean`.

    text: clean simplified body text, paragraphs joined by "\\n", no empty lines.
    removed: lines (as they were before conversion) and fragments that were dropped, in document
        order, so a reviewer can check that nothing of the article was lost.
    """

    text: str
    removed: list[str]


# --------------------------------------------------------------------------------------------------
# Traditional -> simplified
# --------------------------------------------------------------------------------------------------


def _make_converter() -> Any:
    """Build the OpenCC t2s converter; config names differ between opencc packages (t2s / t2s.json)."""
    last: Exception | None = None
    for name in ("t2s", "t2s.json"):
        try:
            return opencc.OpenCC(name)
        except Exception as exc:  # the package raises different types per version
            last = exc
    raise RuntimeError(f"OpenCC has no t2s configuration: {last}")


_T2S = _make_converter()  # built once: loading the dictionaries costs ~10 ms
_SURROGATES = re.compile("[\ud800-\udfff]+")


def to_simplified(text: str) -> str:
    """Convert traditional (or mixed) Chinese to simplified with OpenCC's phrase-level t2s.

    Phrase level matters: 乾隆 stays, 乾燥 becomes 干燥, which a character table gets wrong. The
    conversion is repeated until it is stable (a handful of characters convert in two steps, e.g.
    薴 -> 苧 -> 苎), so the result is always a fixed point: ``to_simplified(x) == x`` afterwards.
    Lone surrogates, which OpenCC cannot encode, are passed through unchanged instead of raising.
    """
    if not text:
        return text
    if _SURROGATES.search(text):
        parts = _SURROGATES.split(text)
        seps = _SURROGATES.findall(text)
        out = [to_simplified(parts[0])]
        for sep, part in zip(seps, parts[1:]):
            out.append(sep)
            out.append(to_simplified(part))
        return "".join(out)
    out = text
    for _ in range(5):
        nxt = _T2S.convert(out)
        if nxt == out:
            break
        out = nxt
    return out


# --------------------------------------------------------------------------------------------------
# Character normalisation
# --------------------------------------------------------------------------------------------------

#: Full-width forms kept as they are: Chinese punctuation (brief: keep ,:;!?() and ～ ranges).
_KEEP_FULLWIDTH = set("!(),:;?~")

_ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\ufffc\ufffd"
_SPACES = "\t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _build_char_table() -> dict[int, str | None]:
    """One translate table for every 1:1 character rule (NFKC-like, but keeps Chinese punctuation).

    A table applied with `str.translate` runs in C, far faster than per-character Python or full
    NFKC (which would also turn ,:;!?() into ASCII, which the brief forbids).
    """
    table: dict[int, str | None] = {}
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII block
        ch = chr(cp - 0xFEE0)
        if ch not in _KEEP_FULLWIDTH:
            table[cp] = ch
    for cp in range(0xFF5F, 0xFF65):  # half-width CJK punctuation ｡｢｣､ and white parentheses
        table[cp] = unicodedata.normalize("NFKC", chr(cp))
    # Compatibility ideographs, Kangxi and supplementary radicals (PDF extraction produces ⽣ for 生).
    for lo, hi in ((0x2E80, 0x2EFF), (0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for cp in range(lo, hi + 1):
            norm = unicodedata.normalize("NFKC", chr(cp))
            if norm != chr(cp) and len(norm) == 1:
                table[cp] = norm
    for ch in _SPACES:
        table[ord(ch)] = " "
    for ch in _BREAKS:
        table[ord(ch)] = "\n"
    for ch in _ZERO_WIDTH:
        table[ord(ch)] = None
    for cp in list(range(0x00, 0x20)) + list(range(0x7F, 0xA0)):
        if cp != 0x0A and cp not in table:
            table[cp] = None
    return table


_CHAR_TABLE = _build_char_table()


def _char_class(codepoints: list[int]) -> str:
    """A regex character class for a set of code points, as ranges (keeps the pattern small)."""
    cps = sorted(codepoints)
    parts: list[str] = []
    start = prev = cps[0]
    for cp in cps[1:] + [-1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
        start = prev = cp
    return "[" + "".join(parts) + "]"


# `str.translate` with a dict costs a lookup per character; one C-level search first skips the
# (common) texts that contain nothing to translate.
_NEEDS_TRANSLATE = re.compile(_char_class(list(_CHAR_TABLE)))

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|&nbsp(?![A-Za-z0-9;])")

# UTF-8 read as Windows-1252 / Latin-1 ("ä¸­æ–‡" for 中文): a lead byte C2-F4 followed by
# continuation bytes 80-BF, shown as Latin-1 or as the cp1252 characters for 80-9F.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_CP1252_BYTE = {ch: bytes([b]) for b in range(0x80, 0xA0) for ch in [bytes([b]).decode("cp1252", "ignore")] if ch}
_LATIN_MOJIBAKE = re.compile(f"(?:[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]+)+")


def _fix_latin(m: re.Match[str]) -> str:
    """Re-decode one Latin-1/cp1252 mojibake run as UTF-8; keep it unchanged if that fails."""
    frag = m.group(0)
    buf = bytearray()
    for ch in frag:
        o = ord(ch)
        if o < 256:
            buf.append(o)
        elif ch in _CP1252_BYTE:
            buf += _CP1252_BYTE[ch]
        else:
            return frag
    try:
        return buf.decode("utf-8")
    except UnicodeDecodeError:
        return frag


def _unescape(m: re.Match[str]) -> str:
    return html.unescape(m.group(0) if m.group(0).endswith(";") else m.group(0) + ";")


def _normalize_chars(text: str) -> str:
    """Apply mojibake repair, the character table and entity decoding until nothing changes.

    Each step can feed another (``&#65286;amp;`` decodes to a full-width ampersand that the table
    turns into ``&amp;``), so they loop. Repair and decoding shorten the text and the table is
    idempotent, so the loop ends.
    """
    while True:
        changed = False
        if _LATIN_MOJIBAKE.search(text):
            new = _LATIN_MOJIBAKE.sub(_fix_latin, text)
            changed = new != text
            text = new
        if _NEEDS_TRANSLATE.search(text):
            # Deleting an invisible character can join a mojibake or entity pair: look again.
            new = text.translate(_CHAR_TABLE)
            changed = changed or new != text
            text = new
        if "&" in text and _ENTITY.search(text):
            new = _ENTITY.sub(_unescape, text)
            changed = changed or new != text
            text = new
        if not changed:
            return text


# --------------------------------------------------------------------------------------------------
# Fragment rules
# --------------------------------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAS_CJK = re.compile(f"[{_CJK}]")

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_TONE_BASE = str.maketrans(
    {**{c: b for b, cs in (("a", "āáǎà"), ("e", "ēéěè"), ("i", "īíǐì"), ("o", "ōóǒò"), ("u", "ūúǔù"),
                            ("ü", "ǖǘǚǜ"), ("n", "ńňǹ"), ("m", "ḿ")) for c in cs},
     **{chr(cp): None for cp in range(0x0300, 0x030D)}}
)
_PY_CLASS = f"a-zêü{_TONED}\u0300-\u030c"
_SYL = f"[{_PY_CLASS}]{{1,7}}"
_SYLS = f"{_SYL}(?:[ '’]{_SYL}){{0,3}}"


def _pinyin_syllables() -> frozenset[str]:
    """Every initial+final combination: a permissive superset of the ~410 real pinyin syllables.

    Used to tell a pinyin annotation ``(zhōng)`` from an English word in brackets ``(app)``.
    """
    initials = ["", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "zh", "ch", "sh",
                "r", "z", "c", "s", "y", "w"]
    finals = ["a", "o", "e", "ê", "i", "u", "ü", "v", "ai", "ei", "ui", "ao", "ou", "iu", "ie", "üe", "ue", "ve",
              "er", "an", "en", "in", "un", "ün", "vn", "ang", "eng", "ing", "ong", "ia", "iao", "ian", "iang",
              "iong", "ua", "uo", "uai", "uan", "uang", "ueng", "uei", "uen", "io", "üan"]
    return frozenset([i + f for i in initials for f in finals] + ["n", "ng", "m", "hm", "hng"])


_PINYIN = _pinyin_syllables()
_SYL_SPLIT = re.compile(r"[ '’]")


def _pinyin_kind(group: str) -> int:
    """0: not pinyin; 1: valid toneless pinyin; 2: valid pinyin with at least one tone mark."""
    toned = False
    for syl in _SYL_SPLIT.split(group):
        base = syl.translate(_TONE_BASE)
        if base not in _PINYIN:
            return 0
        if base != syl:
            toned = True
    return 2 if toned else 1


# Annotation right after a CJK character: 統(tǒng) / 統(tǒng). Toneless "(men)" only counts in a
# document that has toned annotations, so "(zhang)" in an ordinary article is left alone.
_PY_ANNOTATION = re.compile(f"(?<=[{_CJK}])[((]\\s?({_SYLS})\\s?[))]")
# A toned annotation whose host character was garbled into other text (剜l(xiāng)): tone marks on
# valid syllables do not occur in brackets otherwise, so any glued position counts.
_PY_TONED_ANYWHERE = re.compile(f"(?<=[^\\s((])[((]\\s?({_SYLS})\\s?[))]")
# The opening bracket eaten by a broken byte: 當?shù)地 or 當shù)地 (after U+FFFD removal).
_PY_BROKEN_Q = re.compile(f"(?<!\\?)\\?++({_SYLS})[))]")
_PY_NO_OPEN = re.compile(f"(?<=[{_CJK}])({_SYLS})[))]")
# The closing bracket lost (統(tǒng一), or the text cut inside the annotation (創(chuàng<end>).
_PY_NO_CLOSE = re.compile(f"(?<=[{_CJK}])[((]({_SYLS})(?=[{_CJK}]|$)")

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<!--.*?-->|<![A-Za-z][^<>]*>")
# "<p>" whose "<" was eaten together with the preceding broken byte: "作用?/p>", "?a href=...>".
_TAG_REMNANT = re.compile(r"\?(?:/[A-Za-z][A-Za-z0-9]*\s*>|[A-Za-z][A-Za-z0-9]*\s+[A-Za-z-]+\s*=[^<>]*>)")
# A tag cut off by the end of the line ('<a href="...' with no '>'): only possible after the last '>'.
_TAG_OPEN = re.compile(r"<[A-Za-z][A-Za-z0-9]*\s+[A-Za-z-]+\s*=")
_ATTR_END = re.compile(r"[\"']\s*/?>")
_JAVASCRIPT = re.compile(r"javascript:[^\s\"'<>{}]*")
_URL_STOP = "\\s<>\"'()\\[\\]{},;!\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
_URL = re.compile(
    f"(?:https?|ftp)://[^{_URL_STOP}]+"
    f"|www\\.[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+(?:[/?#][^{_URL_STOP}]*)?"
    f"|(?<![A-Za-z0-9@._-])(?:[a-z0-9-]++\\.)++(?:com|cn|net|org|gov|edu|info|cc|tv)"
    f"(?:\\.cn|\\.hk)?(?:/[^{_URL_STOP}]*)?(?![A-Za-z0-9-])"
)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Broken-byte debris, plus the "<正>" marker that a journal database puts before abstracts.
_BROKEN = re.compile(r"(?:锟斤拷)+|\?{2,}|<正>")
# A converter doubles commas (澜沧县,,曾是): a run of one separator is one separator.
_REPEATED_SEP = re.compile(r"([,、;:,])\1+")
_EMPTY_BRACKETS = re.compile(r"[((]\s*[))]|【\s*】|\[\s*\]|〔\s*〕|《\s*》")
_MULTI_SPACE = re.compile(r" {2,}")

# One search decides whether a line needs the fragment rules at all (most prose lines do not).
_GATE = re.compile(
    f"[<>?((\\[【〔《@\"'{_TONED}\u0300-\u030c]|://|www\\.|javascript:|锟斤拷|  |([,、;:,])\\1"
    f"|[a-z0-9]\\.(?:com|cn|net|org|gov|edu|info|cc|tv)|[{_PY_CLASS}][))]"
)


def _cut_open_tag(s: str, frags: list[str]) -> str:
    """Drop an unterminated tag at the end of the line, in one pass (a regex anchored at $ would
    need one pass per tag, which is quadratic on a line of many of them)."""
    tail_start = s.rfind(">") + 1
    m = _TAG_OPEN.search(s, tail_start)
    if m is None:
        return s
    frags.append(s[m.start():].strip())
    return s[:m.start()]


def _remover(frags: list[str]) -> Callable[[re.Match[str]], str]:
    def drop(m: re.Match[str]) -> str:
        frag = m.group(0).strip()
        if frag:
            frags.append(frag)
        return ""

    return drop


def _url_remover(frags: list[str]) -> Callable[[re.Match[str]], str]:
    """Drop a URL but give back trailing sentence punctuation that the URL pattern swallowed."""

    def drop(m: re.Match[str]) -> str:
        url = m.group(0)
        core = url.rstrip(".:")
        frags.append(core)
        return url[len(core):]

    return drop


def _pinyin_remover(frags: list[str], need: int) -> Callable[[re.Match[str]], str]:
    def drop(m: re.Match[str]) -> str:
        if _pinyin_kind(m.group(1)) >= need:
            frags.append(m.group(0))
            return ""
        return m.group(0)

    return drop


def _remove_fragments(s: str, frags: list[str], toneless: bool) -> str:
    """One pass of every fragment rule over one line; dropped fragments are appended to frags."""
    drop = _remover(frags)
    if "<" in s or ">" in s:
        s = _TAG.sub(drop, s)
        if "?" in s:
            s = _TAG_REMNANT.sub(drop, s)
        s = _cut_open_tag(s, frags)
        s = _ATTR_END.sub(drop, s)
    if "javascript:" in s:
        s = _JAVASCRIPT.sub(drop, s)
    if "@" in s:
        s = _EMAIL.sub(drop, s)
    if "." in s:
        s = _URL.sub(_url_remover(frags), s)
    s = _PY_ANNOTATION.sub(_pinyin_remover(frags, 1 if toneless else 2), s)
    s = _PY_TONED_ANYWHERE.sub(_pinyin_remover(frags, 2), s)
    if ")" in s or ")" in s:
        s = _PY_BROKEN_Q.sub(_pinyin_remover(frags, 2), s)
        s = _PY_NO_OPEN.sub(_pinyin_remover(frags, 2), s)
    if "(" in s or "(" in s:
        s = _PY_NO_CLOSE.sub(_pinyin_remover(frags, 2), s)
    s = _BROKEN.sub(drop, s)
    s = _EMPTY_BRACKETS.sub(drop, s)
    s = _REPEATED_SEP.sub(r"\1", s)
    if "  " in s:
        s = _MULTI_SPACE.sub(" ", s)
    return s.strip()


#: Rounds of fragment rules per line. Real lines settle in one or two; only deliberately nested
#: junk ("((((()))))" hundreds deep) needs more, and the cap keeps such input linear in time.
_MAX_ROUNDS = 64


def _clean_line(s: str, frags: list[str], toneless: bool) -> str:
    """Fragment rules repeated to a fixed point (each change shortens the line, so this ends)."""
    for _ in range(_MAX_ROUNDS):
        new = _remove_fragments(s, frags, toneless)
        if new == s:
            return s
        s = _normalize_chars(new).replace("\n", " ").strip()
    return s


def _has_toned_annotation(text: str) -> bool:
    return any(_pinyin_kind(m.group(1)) == 2 for m in _PY_ANNOTATION.finditer(text))


_SCRIPT = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|ul|ol|tr|td|th|table|h[1-6]|section|article|blockquote|dd|dt)\b[^<>\n]*>", re.I)
_FFFD_RUN = re.compile("\ufffd+")


def _block_remover(removed: list[str]) -> Callable[[re.Match[str]], str]:
    """Drop a script/style/comment block, leaving a line break so the text around it stays apart."""

    def drop(m: re.Match[str]) -> str:
        removed.append(m.group(0))
        return "\n"

    return drop


# --------------------------------------------------------------------------------------------------
# Furniture rules (line level)
# --------------------------------------------------------------------------------------------------


def _load_furniture(path: Path) -> dict[str, Any]:
    """Read labels/furniture.toml; a missing or malformed file is a DataError naming the file."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise DataError(str(path), None, "furniture word list is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(str(path), None, f"not valid TOML: {exc}") from None
    return data


def _alternation(words: list[str]) -> str:
    """Regex alternation, longest word first so 字体大小 wins over 字体."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class _Furniture:
    """The compiled furniture rules; built once from furniture.toml at import time."""

    def __init__(self, data: dict[str, Any]) -> None:
        try:
            self._compile(data)
        except (KeyError, TypeError, re.error) as exc:
            raise DataError(str(FURNITURE_PATH), None, f"bad furniture entry: {exc!r}") from None

    def _compile(self, d: dict[str, Any]) -> None:
        not_glued = f"(?<![{_CJK}])"
        meta = d["meta"]
        plain_keys = [k for k in meta["keys"] if k not in meta["date_keys"]]
        self.meta_key = re.compile(f"{not_glued}(?:{_alternation(plain_keys)})\\s*[::丨|】\\]]")
        self.meta_date_key = re.compile(
            f"{not_glued}(?:{_alternation(meta['date_keys'])})\\s*[::丨|】\\]]\\s*[\\[【(]?\\s*\\d")
        self.meta_space_key = re.compile(f"^(?:{_alternation(plain_keys)})\\s+\\S")
        self.meta_prefix = re.compile(f"^(?:{_alternation(meta['line_prefixes'])})")
        self.meta_max = int(meta["max_len"])

        self.title_prefix = re.compile(f"^(?:{_alternation(d['title']['prefixes'])})\\s*[::]\\s*(.+)$")

        bc = d["breadcrumb"]
        self.crumb_start = re.compile(f"^(?:{_alternation(bc['starts'])})")
        self.crumb_end = tuple(bc["ends"])
        self.crumb_end_max = int(bc["ends_max_len"])
        self.crumb_sep = re.compile(f"(?:{_alternation(bc['separators'])})")
        self.crumb_max = int(bc["max_len"])
        self.crumb_part = int(bc["max_part_len"])

        tools = d["tools"]
        self.tool_word = re.compile(_alternation(tools["words"]))
        self.tool_word_max = int(tools["words_max_len"])
        self.tool_prefix = re.compile(f"^(?:{_alternation(tools['prefixes'])})")
        self.tool_prefix_max = int(tools["prefix_max_len"])

        foot = d["footer"]
        self.footer_strong = re.compile(_alternation(foot["strong"]))
        self.footer_strong_max = int(foot["strong_max_len"])
        self.footer_weak = re.compile(_alternation(foot["weak"]))
        self.footer_weak_max = int(foot["weak_max_len"])

        rel = d["related"]
        self.related = frozenset(rel["headers"])
        self.headline_max = int(rel["headline_max_len"])

        pats = d["patterns"]
        self.line_pattern = re.compile("|".join(f"(?:{p})" for p in pats["lines"]))
        self.pattern_max = int(pats["max_len"])

        menu = d["menu"]
        self.menu_items = int(menu["min_items"])
        self.menu_item_len = int(menu["max_item_len"])

        spam = d["spam"]
        self.spam_word = re.compile(_alternation(spam["words"]))
        self.spam_items = int(spam["min_items"])
        self.spam_hits = int(spam["min_hits"])
        self.spam_item_len = int(spam["max_item_len"])


_F = _Furniture(_load_furniture(FURNITURE_PATH))

_PROSE = re.compile(r"[。!?!?]")
_PUNCT = re.compile(r"[,,。、;;::!?!?“”\"()()《》【】]")
_DECOR_LEAD = " •·●▪◆■□○◇▶►▲△★☆※*+-—_|/[]【】()()〔〕<>"
_DECOR_TRAIL = " []【】()()〔〕"
_DECOR_ALL = re.compile(r"[\s::【】\[\]<>《》»>›·•●▪◆■□\-—_…\.。|/+()()]+")
_NON_WORD = re.compile(r"[\W\d_]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_FILENAME = re.compile(
    r"^[\w\-.()\[\] ]+\.(?:jpe?g|png|gif|bmp|webp|svg|tiff?|docx?|pdf|xlsx?|pptx?|txt|zip|rar|s?html?|php|aspx?|jsp)$",
    re.I)
_CODE_CHARS = re.compile(r"[{}=<>$#\\]")
_CODE_WORDS = re.compile(r"document\.|function\s*\(|\bvar\s|error:|window\.|\$\(|\(\s*[\"']|[\"']\s*\)")
_ID_TOKEN = re.compile(r"^(?=(?:[^\d]*\d){4})[A-Za-z0-9_.\-]+$")
_BULLET = re.compile(r"^[•·●▪◆■□○◇▶►\-*]\s*\S")
_SPAM_SPLIT = re.compile(r"[,,、_|]")

_DATE = (r"(?:\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?|\d{4}年\d{1,2}月|"
         r"\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?|\d{1,2}\.\d{1,2}\.\d{4})")
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_DATE_ONLY = re.compile(
    rf"^(?:(?:发布|更新|发稿)?(?:时间|日期)[::]?\s*)?[\[【(]?\s*{_DATE}(?:\s*{_TIME})?\s*"
    rf"(?:星期[一二三四五六日天]|周[一二三四五六日天])?\s*[\]】)]?$|^{_TIME}$")
_DATETIME = re.compile(rf"\d{{4}}\s*[-./年]\s*\d{{1,2}}\s*[-./月]\s*\d{{1,2}}\s*日?\s*{_TIME}|"
                       rf"\d{{1,2}}[-./]\d{{1,2}}\s+{_TIME}")
_ISO_LEAD = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}(?!\d)")


#: No furniture rule but spam and strong footer words applies to a line longer than this.
_LONG_LINE = 150
#: "编辑 王某" (key, space, value) only counts as metadata on lines this short.
_SHORT_LINE = 30
#: A line with a full date and clock time and no comma is a dateline up to this length ...
_DATELINE_MAX = 50
#: ... and an ISO date followed by at most this many characters is a date stamp.
_ISO_TAIL_MAX = 10


def _core(s: str) -> str:
    """The line without leading bullets/brackets and trailing brackets: "【来源:X】" -> "来源:X"."""
    return s.lstrip(_DECOR_LEAD).rstrip(_DECOR_TRAIL)


def _is_prose(s: str) -> bool:
    return _PROSE.search(s) is not None


def _line_kind(s: str) -> str | None:
    """Name of the furniture rule a (simplified, fragment-cleaned) line matches, or None for text."""
    if not s:
        return "empty"
    if not _HAS_CJK.search(s):
        if not _HAS_LETTER.search(s):
            return "symbols"  # "|", "0", "……", "1973928"
        if _FILENAME.match(s) or _ID_TOKEN.match(s):
            return "file-or-id"  # "S005.jpg", "1123630849_154n"
        if len(_CODE_CHARS.findall(s)) >= 2 or _CODE_WORDS.search(s):
            return "code"  # '");document.write("");'
    core = _core(s)
    if not core:
        return "symbols"
    n = len(core)
    prose = _is_prose(core)
    commas = core.count(",") + core.count(",")

    if commas + core.count("_") + core.count("|") >= _F.spam_items - 1 and "。" not in core:
        items = [i for i in _SPAM_SPLIT.split(core) if i.strip()]
        if len(items) >= _F.spam_items and all(len(i) <= _F.spam_item_len for i in items):
            hits = sum(1 for i in items if _F.spam_word.search(i))
            if hits >= _F.spam_hits and 2 * hits >= len(items):
                return "spam"
    if n <= _F.footer_strong_max and _F.footer_strong.search(core):
        return "footer"
    if n > _LONG_LINE:
        return None  # long prose: nothing below applies

    if n <= _F.tool_prefix_max and _F.tool_prefix.match(core):
        return "tools"
    if n <= _F.footer_weak_max and "。" not in core and _F.footer_weak.search(core):
        return "footer"
    if "。" not in core:
        if n <= _F.crumb_max and _F.crumb_start.match(core):
            return "breadcrumb"
        if _F.meta_prefix.match(core):
            return "meta"
    if not prose:
        if n <= _F.crumb_end_max and core.endswith(_F.crumb_end):
            return "breadcrumb"
        if n <= _F.crumb_max:
            seps = _F.crumb_sep.findall(core)
            if len("".join(seps)) >= 2:
                parts = [p.strip() for p in _F.crumb_sep.split(core)]
                if all(len(p) <= _F.crumb_part for p in parts):
                    return "breadcrumb"
        if n <= _F.meta_max and commas <= 2 and (
            _F.meta_key.search(core) or _F.meta_date_key.search(core)
            or (n <= _SHORT_LINE and _F.meta_space_key.match(core))
        ):
            return "meta"
        if _DATE_ONLY.match(core):
            return "date"
        if commas == 0:
            if n <= _DATELINE_MAX and _DATETIME.search(core):
                return "date"  # "某某网 2021-05-28 17:06"
            iso = _ISO_LEAD.match(core)
            if iso and n - iso.end() <= _ISO_TAIL_MAX:
                return "date"  # "2019-05-08李某某": a paper site's date + author stamp
        if _DECOR_ALL.sub("", core) in _F.related:
            return "related"
        if n <= _F.tool_word_max and _F.tool_word.search(core) and not _NON_WORD.sub("", _F.tool_word.sub("", core)):
            return "tools"
        if " " in core and not _PUNCT.search(core):
            items = core.split(" ")
            if len(items) >= _F.menu_items and all(len(i) <= _F.menu_item_len for i in items):
                return "menu"
    if n <= _F.pattern_max and _F.line_pattern.search(core):
        return "pattern"
    return None


def _headline_like(s: str) -> bool:
    return len(s) <= _F.headline_max and not _is_prose(s) and not s.endswith((":", ":"))


def _mark_related_lists(lines: list[str], kinds: list[str | None]) -> None:
    """Drop the items of related-article lists: bulleted lines after a header such as 相关阅读/更多,
    and every remaining line when only headlines (or other furniture) follow the header to the end."""
    n = len(lines)
    i = 0
    while i < n:
        if kinds[i] != "related":
            i += 1
            continue
        j = i + 1
        while j < n and (kinds[j] is not None or (_BULLET.match(lines[j]) and _headline_like(_core(lines[j])))):
            if kinds[j] is None:
                kinds[j] = "related"
            j += 1
        if all(kinds[k] is not None or _headline_like(lines[k]) for k in range(j, n)):
            for k in range(j, n):
                if kinds[k] is None:
                    kinds[k] = "related"
            j = n
        i = j


def _mark_duplicates(lines: list[str], kinds: list[str | None]) -> None:
    """Keep the first of identical lines (a headline repeated as an image caption), drop "标题:X"
    when X is a line of the article, and drop a truncated copy of a line (a meta description cut
    mid-word that the page repeats in full further on)."""
    seen: set[str] = set()
    for i, s in enumerate(lines):
        if kinds[i] is None:
            if s in seen:
                kinds[i] = "duplicate"
            else:
                seen.add(s)
    for i, s in enumerate(lines):
        if kinds[i] is None and "题" in s:
            m = _F.title_prefix.match(_core(s))
            if m and m.group(1).strip() in seen:
                kinds[i] = "duplicate"
    kept = sorted({s for i, s in enumerate(lines) if kinds[i] is None})
    truncated: set[str] = set()
    for a, b in zip(kept, kept[1:]):
        if len(a) >= 15 and b.startswith(a) and not b[len(a)].isspace() and a[-1] not in "。!?!?”\"":
            truncated.add(a)
    if truncated:
        for i, s in enumerate(lines):
            if kinds[i] is None and s in truncated:
                kinds[i] = "truncated"


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def clean(text: str) -> Cleaned:
    """Clean one article: simplified body text plus the list of what was dropped.

    Never raises on a str. The result's text has no empty lines, no pinyin annotations, and is a
    fixed point of both `to_simplified` and `clean` (``clean(clean(x).text).text == clean(x).text``).
    """
    removed: list[str] = []
    if _FFFD_RUN.search(text):
        removed.extend(_FFFD_RUN.findall(text))
    if _SURROGATES.search(text):
        text = _SURROGATES.sub("", text)
    text = _normalize_chars(text)
    if "<" in text:
        text = _SCRIPT.sub(_block_remover(removed), text)
        text = _BLOCK_TAG.sub("\n", text)
    toneless = "(" in text or "(" in text
    toneless = toneless and _has_toned_annotation(text)

    raws: list[str] = []
    cleaned: list[str] = []
    frags: list[list[str]] = []
    for raw in text.split("\n"):
        s = raw.strip()
        if not s:
            continue
        line_frags: list[str] = []
        if _GATE.search(s):
            s = _clean_line(s, line_frags, toneless)
        raws.append(raw.strip())
        cleaned.append(s)
        frags.append(line_frags)

    lines = to_simplified("\n".join(cleaned)).split("\n")
    if len(lines) != len(cleaned):  # cannot happen with OpenCC, but never misalign lines
        lines = [to_simplified(s) for s in cleaned]

    kinds: list[str | None] = [_line_kind(s) for s in lines]
    _mark_related_lists(lines, kinds)
    _mark_duplicates(lines, kinds)

    kept: list[str] = []
    for raw, s, kind, line_frags in zip(raws, lines, kinds, frags):
        if kind is None:
            kept.append(s)
            removed.extend(line_frags)
        else:
            removed.append(raw)
    return Cleaned(text="\n".join(kept), removed=removed)


def clean_text(text: str) -> str:
    """Clean body text only (== ``clean(text).text``); idempotent and never raises on a str."""
    return clean(text).text
