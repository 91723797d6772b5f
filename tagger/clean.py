"""Text cleaning: turn a scraped article into plain simplified-Chinese body text.

Scraped inputs carry noise that misleads a classifier: pinyin glued after characters by a broken
converter (統(tǒng)一戰(zhàn)線), traditional characters, HTML and URL remnants, mojibake, page furniture
(breadcrumbs, 来源/编辑 lines, share widgets, related-article lists, footers, injected spam) and the
headline repeated as an image caption. `clean` removes that noise and keeps the title and every body
paragraph; `Cleaned.removed` lists what was dropped so `tagger clean --diff` can show it.

Design, and why:
* Character rules (full-width letters, odd spaces, invisible characters, entities, Latin-1 mojibake)
  run on the whole text first, with `str.translate` and a few regexes, because they are cheap there
  and every later rule can then assume normal characters. Full-width Chinese punctuation
  (U+FF0C comma, U+FF1A colon, U+FF1B semicolon, U+FF01 !, U+FF1F ?, U+FF08/U+FF09 brackets, U+FF5E
  tilde) is kept, so every later rule that looks for such punctuation lists both forms. In this
  source they are written as \\uXXXX escapes, which no editor or formatter can silently turn into
  ASCII.
* Fragment rules (tags, URLs, pinyin annotations, broken bytes ...) run per line, only on lines that
  show a sign of a fragment (the "gate"), and are repeated until nothing changes: removing one
  fragment can join two halves of another (``中<b></b>(zhōng)``), and `clean_text` must be
  idempotent. Scanning a long line costs microseconds per regex, so each rule first runs a cheap
  test that every one of its matches must pass (see "Regex cost" below), and a repeated round stops
  where it reaches the rules that have already seen the same text.
* Traditional -> simplified conversion (OpenCC, phrase level) runs once over all lines, before the
  furniture rules, so keyword lists only need simplified spellings; it is skipped when the text has
  nothing the conversion could change.
* Furniture rules are line rules driven by the word lists in ``labels/furniture.toml``; each fires
  only on short, non-prose lines, so a body sentence that mentions 来源 survives. No rule depends on a
  line's position, which keeps the cleaner idempotent: a second pass sees the same lines again.
"""
from __future__ import annotations

import functools
import html
import itertools
import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import opencc

from tagger.errors import DataError

__all__ = ["FURNITURE_PATH", "Cleaned", "clean", "clean_text", "to_simplified"]

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


# Regex cost: searching a 1,500-character article for a pattern that starts with one literal
# character takes ~0.5 µs, for one that starts with a character class 3-7 µs, and for one that starts
# with anything else (a group, a repeat, a lookaround, an alternation of classes) 8-40 µs, because
# the engine then tries the whole pattern at every position. `in` with one character takes ~0.1 µs.
# Searches that run on every article or line are shaped accordingly, and cheap prechecks come first.


def _char_class(codepoints: list[int], extra: str = "") -> str:
    """A regex character class for a set of code points, as ranges (keeps the pattern small);
    `extra` is appended inside the brackets as it is (e.g. a range written as "a-z")."""
    cps = sorted(codepoints)
    parts: list[str] = []
    start = prev = cps[0]
    for cp in cps[1:] + [-1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
        start = prev = cp
    return "[" + "".join(parts) + extra + "]"


# --------------------------------------------------------------------------------------------------
# Traditional -> simplified
# --------------------------------------------------------------------------------------------------


def _make_converter() -> Any:
    """Build the OpenCC t2s converter; config names differ between opencc packages (t2s / t2s.json)."""
    last: Exception | None = None
    for name in ("t2s", "t2s.json"):
        try:
            return opencc.OpenCC(name)
        except Exception as exc:  # noqa: BLE001 - the package raises different types per version
            last = exc
    raise RuntimeError(f"OpenCC has no t2s configuration: {last}")


_T2S = _make_converter()  # built once: loading the dictionaries costs ~10 ms
_SURROGATES = re.compile("[\ud800-\udfff]+")
# For searching: a pattern that starts with a repeat is tried at every position, ~10 µs on an
# article, while one that starts with a character class is scanned for (see "Regex cost" above).
_HAS_SURROGATE = re.compile("[\ud800-\udfff]")

# Converting costs ~30 µs per article, although most articles are simplified already and many
# others are simplified after one conversion. So the text is converted only while it still has
# something that t2s could change. OpenCC replaces the longest dictionary key at each position by
# its value and copies everything else: a text with neither a character that converts on its own
# nor one of the phrases below has only keys that map to themselves, and converts to itself.

#: Blocks whose characters are converted one by one to find those that t2s changes: radicals, CJK
#: symbols, Extension A, unified and compatibility ideographs.
_T2S_SCANNED = ((0x2E80, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
#: Supplementary ideographs (Extensions B to H, compatibility supplement) are rare in news, so instead
#: of converting 70,000 more code points at import time they all count as changeable.
_T2S_UNSCANNED = "\U00020000-\U0003ffff"
#: Phrases that t2s changes although none of their characters changes on its own (反覆 -> 反复,
#: 沈思 -> 沉思, 一坏 -> 一坯), which converting single characters cannot reveal. From OpenCC's
#: TSPhrases dictionary, leaving out phrases that contain a listed one (反反覆覆 contains 反覆);
#: tests/test_clean.py checks the list against the installed dictionaries.
_T2S_PHRASES = (
    "一坏", "凌藉", "函覆", "反覆", "回覆", "土坏", "坏土", "坏子", "坏布", "墨沈沈", "意志消沈", "打坏", "批覆", "折戟沈沙",
    "折戟沈河", "拉坏", "拜覆", "捏坏", "明瞭", "明覆", "昏沈", "暗沈沈", "毛坏", "沈下", "沈冤", "沈厚", "沈吟", "沈寂", "沈思",
    "沈浮", "沈浸", "沈湎", "沈溺", "沈甸甸", "沈痛", "沈痼", "沈睡", "沈砂池", "沈筒", "沈船", "沈落", "沈迷", "沈醉", "沈重",
    "沈降", "沈陷", "沈香", "沈默", "浮沈", "海哩", "深沈", "滑藉", "狐藉虎威", "甦生", "甦醒", "申覆", "瞭如", "瞭然", "瞭若指掌",
    "瞭解", "破釜沈舟", "示覆", "答覆", "素藉", "耳沈", "英哩", "茵藉", "藉代", "藉以", "藉助", "藉卉", "藉口", "藉喻", "藉寇兵",
    "藉手", "藉故", "藉方", "藉槁", "藉此", "藉甚", "藉由", "藉着", "藉端", "衹得", "覆信", "覆呈", "覆命", "覆墓", "覆按", "覆文",
    "覆校", "重覆", "陶坏", "黑沈沈",
)
_T2S_PHRASE = re.compile("|".join(map(re.escape, _T2S_PHRASES)))
_T2S_PHRASE_LEN = max(map(len, _T2S_PHRASES))


def _t2s_suspects() -> tuple[re.Pattern[str], frozenset[str]]:
    """A regex for the characters that t2s changes on their own or in a listed phrase, and the
    set of the latter, which only count inside such a phrase (覆 in 反覆, not in 覆盖)."""
    cps = [cp for lo, hi in _T2S_SCANNED for cp in range(lo, hi + 1)]
    # One call for all: no dictionary key contains a line break, so each character converts alone.
    chars = [chr(cp) for cp in cps]
    probe = chars + list(_T2S_PHRASES)
    converted = _T2S.convert("\n".join(probe)).split("\n")
    if len(converted) != len(probe):
        raise RuntimeError("OpenCC t2s changed the line breaks of its probe text")
    alone = {ch for ch, new in zip(chars, converted) if new != ch}
    in_phrase: set[str] = set()
    for phrase, new in zip(_T2S_PHRASES, converted[len(cps):]):
        if len(new) == len(phrase):
            in_phrase.update(a for a, b in zip(phrase, new) if a != b)
        else:
            in_phrase.update(phrase)
    in_phrase -= alone
    return re.compile(_char_class([ord(ch) for ch in alone | in_phrase], _T2S_UNSCANNED)), frozenset(in_phrase)


_T2S_SUSPECT, _T2S_PHRASE_CHARS = _t2s_suspects()


def _t2s_may_change(text: str) -> bool:
    """Whether OpenCC's t2s could change the text; if not, converting it would return it unchanged."""
    pos = 0
    while m := _T2S_SUSPECT.search(text, pos):
        i = m.start()
        if m.group() not in _T2S_PHRASE_CHARS:
            return True
        # Every listed phrase has such a character, so a phrase with this one lies around it.
        if _T2S_PHRASE.search(text, max(0, i - _T2S_PHRASE_LEN + 1), i + _T2S_PHRASE_LEN):
            return True
        pos = i + 1
    return False


def to_simplified(text: str) -> str:
    """Convert traditional (or mixed) Chinese to simplified with OpenCC's phrase-level t2s.

    Phrase level matters: 乾隆 stays, 乾燥 becomes 干燥, which a character table gets wrong. The
    conversion is repeated until it is stable (a handful of characters convert in two steps, e.g.
    薴 -> 苧 -> 苎), so the result is always a fixed point: ``to_simplified(x) == x`` afterwards.
    Lone surrogates, which OpenCC cannot encode, are passed through unchanged instead of raising.
    """
    if not text:
        return text
    if _HAS_SURROGATE.search(text):
        parts = _SURROGATES.split(text)
        seps = _SURROGATES.findall(text)
        out = [to_simplified(parts[0])]
        for sep, part in zip(seps, parts[1:]):
            out.append(sep)
            out.append(to_simplified(part))
        return "".join(out)
    return _t2s(text)


def _t2s(text: str) -> str:
    """`to_simplified` of a text without lone surrogates.

    Converting only while the text still has something that t2s could change gives the same result
    as converting until the output stops changing (at most five times), mostly without the second,
    confirming conversion and without any conversion for text that is simplified already.
    """
    for _ in range(5):
        if not _t2s_may_change(text):
            break
        new = _T2S.convert(text)
        if new == text:
            break
        text = new
    return text


# --------------------------------------------------------------------------------------------------
# Character normalisation
# --------------------------------------------------------------------------------------------------

#: Full-width forms kept as they are: Chinese punctuation. The set holds the ASCII counterparts of the
#: kept U+FF01 !, U+FF08/U+FF09 brackets, U+FF0C comma, U+FF1A colon, U+FF1B semicolon, U+FF1F ? and
#: U+FF5E tilde (used in ranges: 3 to 5 written with it between the digits).
_KEEP_FULLWIDTH = set("!(),:;?~")

_ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\ufffc\ufffd"
_SPACES = "\t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _build_char_table() -> dict[int, str | None]:
    """One translate table for every 1:1 character rule (NFKC-like, but keeps Chinese punctuation).

    A table applied with `str.translate` runs in C, far faster than per-character Python or full
    NFKC (which would also turn the full-width Chinese punctuation into ASCII, which the brief forbids).
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
    for cp in list(range(0x20)) + list(range(0x7F, 0xA0)):
        if cp != 0x0A and cp not in table:
            table[cp] = None
    return table


_CHAR_TABLE = _build_char_table()


# `str.translate` with a dict costs a dict lookup per character, ~70 µs on a 1,500-character article,
# although most articles have no character to map or a few (an indenting U+3000 space). So the table
# is applied only to the runs of characters that it maps, which one regex finds (written X X*
# rather than X+, because a pattern that starts with a character class is scanned for quickly).
_TRANSLATABLE = _char_class(list(_CHAR_TABLE))
_TRANSLATABLE_RUN = re.compile(f"{_TRANSLATABLE}{_TRANSLATABLE}*")


def _translate_run(m: re.Match[str]) -> str:
    return m.group(0).translate(_CHAR_TABLE)

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});|&nbsp(?![A-Za-z0-9;])")

# UTF-8 read as Windows-1252 / Latin-1 ("ä¸­æ–‡" for 中文): a lead byte C2-F4 followed by
# continuation bytes 80-BF, shown as Latin-1 or as the cp1252 characters for 80-9F.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_CP1252_BYTE = {ch: bytes([b]) for b in range(0x80, 0xA0) for ch in [bytes([b]).decode("cp1252", "ignore")] if ch}
_LATIN_MOJIBAKE = re.compile(f"(?:[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]+)+")
# Every mojibake run starts with a lead byte directly followed by a continuation byte. Searching for
# that pair first is cheap (a pattern that starts with a character class lets the regex engine jump
# to candidates), while _LATIN_MOJIBAKE, which starts with a group, is tried at every position:
# ~25 µs on an article without any mojibake. Pinyin tone marks such as é are lead bytes, so a
# single character would not do.
_MOJIBAKE_PAIR = re.compile(f"[\u00c2-\u00f4][\u0080-\u00bf{_CP1252_HIGH}]")
# One search tells whether an article needs anything but entity decoding from the character rules
# (most need nothing): a lone surrogate, a character the table maps, or a mojibake pair. It starts
# with a single class, which a lead byte only matches before a continuation byte.
_CHAR_RULE_SIGN = re.compile(f"[\ud800-\udfff{_TRANSLATABLE[1:-1]}\u00c2-\u00f4]"
                             f"(?:(?<![\u00c2-\u00f4])|(?=[\u0080-\u00bf{_CP1252_HIGH}]))")


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
        if _MOJIBAKE_PAIR.search(text):
            new = _LATIN_MOJIBAKE.sub(_fix_latin, text)
            changed = new != text
            text = new
        # Deleting an invisible character can join a mojibake or entity pair: look again.
        new = _TRANSLATABLE_RUN.sub(_translate_run, text)
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


@functools.lru_cache(maxsize=4096)
def _pinyin_kind(group: str) -> int:
    """0: not pinyin; 1: valid toneless pinyin; 2: valid pinyin with at least one tone mark.

    Cached: an annotated article has dozens of annotations, mostly of a few hundred syllables.
    """
    toned = False
    for syl in _SYL_SPLIT.split(group):
        base = syl.translate(_TONE_BASE)
        if base not in _PINYIN:
            return 0
        if base != syl:
            toned = True
    return 2 if toned else 1


# Brackets of a pinyin annotation: full-width or ASCII.
_OPEN = "[\uff08(]"
_CLOSE = "[\uff09)]"
# Annotation right after a CJK character: 統(tǒng) / 統\uff08tǒng\uff09. Toneless "(men)" only counts in a
# document that has toned annotations, so "(zhang)" in an ordinary article is left alone.
# This pattern, the next one and _PY_NO_CLOSE start with the bracket and test the character before
# it with a lookbehind placed after the bracket: a pattern that starts with a lookbehind is tried
# at every position of the line (~20 µs on an article), one that starts with a character class
# lets the regex engine jump from bracket to bracket.
_PY_ANNOTATION = re.compile(f"{_OPEN}(?<=[{_CJK}]{_OPEN})\\s?({_SYLS})\\s?{_CLOSE}")
# A toned annotation whose host character was garbled into other text (剜l(xiāng)): tone marks on
# valid syllables do not occur in brackets otherwise, so any glued position counts.
_PY_TONED_ANYWHERE = re.compile(f"{_OPEN}(?<=[^\\s\uff08(]{_OPEN})\\s?({_SYLS})\\s?{_CLOSE}")
# The opening bracket eaten by a broken byte: 當?shù)地 or 當shù)地 (after U+FFFD removal).
_PY_BROKEN_Q = re.compile(f"(?<!\\?)\\?++({_SYLS}){_CLOSE}")
_PY_NO_OPEN = re.compile(f"(?<=[{_CJK}])({_SYLS}){_CLOSE}")
# The closing bracket lost (統(tǒng一), or the text cut inside the annotation (創(chuàng<end>).
_PY_NO_CLOSE = re.compile(f"{_OPEN}(?<=[{_CJK}]{_OPEN})({_SYLS})(?=[{_CJK}]|$)")
# Prechecks, one pattern per bracket form so that each starts with a literal character: every
# match of the three bracket-led patterns has an opening bracket, maybe a space, then a pinyin
# letter; every match of the other two a closing bracket right after a pinyin letter.
_OPEN_PINYIN = tuple(re.compile(f"{b}\\s?[{_PY_CLASS}]") for b in ("\uff08", "\\("))
_PINYIN_CLOSE = tuple(re.compile(f"{b}(?<=[{_PY_CLASS}]{b})") for b in ("\uff09", "\\)"))

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<!--.*?-->|<![A-Za-z][^<>]*>")
# "<p>" whose "<" was eaten together with the preceding broken byte: "作用?/p>", "?a href=...>".
_TAG_REMNANT = re.compile(r"\?(?:/[A-Za-z][A-Za-z0-9]*\s*>|[A-Za-z][A-Za-z0-9]*\s+[A-Za-z-]+\s*=[^<>]*>)")
# A tag cut off by the end of the line ('<a href="...' with no '>'): only possible after the last '>'.
_TAG_OPEN = re.compile(r"<[A-Za-z][A-Za-z0-9]*\s+[A-Za-z-]+\s*=")
_ATTR_END = re.compile(r"[\"']\s*/?>")
_ATTR_END_SIGNS = tuple(re.compile(quote + r"\s*/?>") for quote in "\"'")  # its precheck, literal-first
_JAVASCRIPT = re.compile(r"javascript:[^\s\"'<>{}]*")
_URL_STOP = "\\s<>\"'()\\[\\]{},;!\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
_URL = re.compile(
    f"(?:https?|ftp)://[^{_URL_STOP}]+"
    f"|www\\.[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+(?:[/?#][^{_URL_STOP}]*)?"
    f"|(?<![A-Za-z0-9@._-])(?:[a-z0-9-]++\\.)++(?:com|cn|net|org|gov|edu|info|cc|tv)"
    f"(?:\\.cn|\\.hk)?(?:/[^{_URL_STOP}]*)?(?![A-Za-z0-9-])"
)
# Precheck: every URL has "://", "www." or a dot before a top-level domain (a pattern for each, so
# that each starts with a literal character).
_URL_SIGNS = (re.compile("://"), re.compile(r"www\."), re.compile(r"\.(?:com|cn|net|org|gov|edu|info|cc|tv)"))
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# Broken-byte debris, plus the "<正>" marker that a journal database puts before abstracts. Every
# alternative starts with a literal character (not "(?:锟斤拷)+|\?{2,}"), so the engine can jump
# from candidate to candidate.
_BROKEN = re.compile(r"锟斤拷(?:锟斤拷)*|\?\?+|<正>")
# A converter doubles commas (澜沧县,,曾是): a run of one separator is one separator.
_REPEATED_SEP = re.compile(r"([\uff0c,、\uff1b;\uff1a:])\1+")
_EMPTY_BRACKETS = re.compile(r"[\uff08(]\s*[\uff09)]|【\s*】|\[\s*\]|〔\s*〕|《\s*》")
# One precheck for both: every match has an opening bracket followed by a space or a closing
# bracket, or a separator followed by a separator.
_BRACKET_OR_SEP_PAIR = re.compile(r"[\uff08(【\[〔《\uff0c,、\uff1b;\uff1a:][\s\uff09)】\]〕》\uff0c,、\uff1b;\uff1a:]")
_MULTI_SPACE = re.compile(r"  +")  # not " {2,}": a pattern that starts with a literal is found fast

# The gate: a character that starts many fragments, ...
_GATE_CHAR = re.compile(f"[<>?\uff08(\\[【〔《@\"'{_TONED}\u0300-\u030c]")
# ... or a letter or digit before a dot and a top-level domain (the dot first: see "Regex cost").
_GATE_DOT_TLD = re.compile(r"\.(?<=[a-z0-9]\.)(?:com|cn|net|org|gov|edu|info|cc|tv)")


def _needs_fragment_rules(s: str) -> bool:
    """Whether a line shows any sign of a fragment; most prose lines show none and skip the rules.

    A character that starts many fragments (brackets, <, >, ?, @, quotes, tone marks), "://",
    "www.", "javascript:", 锟斤拷, two spaces, a doubled separator, a domain name or a pinyin letter
    before a closing bracket. One test after the other, cheapest first, each shaped for speed.
    """
    return bool(
        _GATE_CHAR.search(s)
        or "  " in s or "://" in s or "www." in s or "javascript:" in s or "锟斤拷" in s
        or _GATE_DOT_TLD.search(s) or _found(_PINYIN_CLOSE, s) or _REPEATED_SEP.search(s)
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


def _pinyin_remover(frags: list[str], toneless: Callable[[], bool] | None = None) -> Callable[[re.Match[str]], str]:
    """Drop pinyin with tone marks, and toneless pinyin if `toneless()` says so; it is only asked
    when toneless pinyin turns up, because it may have to search the whole document."""

    def drop(m: re.Match[str]) -> str:
        kind = _pinyin_kind(m.group(1))
        if kind == 2 or (kind == 1 and toneless is not None and toneless()):
            frags.append(m.group(0))
            return ""
        return m.group(0)

    return drop


# The fragment rules, as steps that each take (line, list of dropped fragments, toneless) and return
# the line; toneless() tells whether the document has toned annotations, so that toneless ones
# count too. A rule runs only when a cheap precheck finds something that every one of its matches
# contains.


def _found(patterns: tuple[re.Pattern[str], ...], s: str) -> bool:
    """Whether any of the patterns occurs in s."""
    return any(p.search(s) for p in patterns)


def _drop_tags(s: str, frags: list[str], toneless: Callable[[], bool]) -> str:
    """HTML tags, tags whose "<" was lost, and a tag cut off by the end of the line."""
    drop = _remover(frags)
    if "<" in s:
        s = _TAG.sub(drop, s)
    if "?" in s and ">" in s:
        s = _TAG_REMNANT.sub(drop, s)
    if "<" in s:
        s = _cut_open_tag(s, frags)
    if ">" in s and _found(_ATTR_END_SIGNS, s):
        s = _ATTR_END.sub(drop, s)
    return s


def _drop_links(s: str, frags: list[str], toneless: Callable[[], bool]) -> str:
    """javascript: links, e-mail addresses and URLs."""
    if "javascript:" in s:
        s = _JAVASCRIPT.sub(_remover(frags), s)
    if "@" in s:
        s = _EMAIL.sub(_remover(frags), s)
    if "." in s and _found(_URL_SIGNS, s):
        s = _URL.sub(_url_remover(frags), s)
    return s


def _drop_annotations(s: str, frags: list[str], toneless: Callable[[], bool]) -> str:
    """Pinyin annotations in brackets: toned ones, and toneless ones in a document with toned ones."""
    if _found(_OPEN_PINYIN, s):
        s = _PY_ANNOTATION.sub(_pinyin_remover(frags, toneless), s)
    if _found(_OPEN_PINYIN, s):
        s = _PY_TONED_ANYWHERE.sub(_pinyin_remover(frags), s)
    return s


def _drop_broken_annotations(s: str, frags: list[str], toneless: Callable[[], bool]) -> str:
    """Toned pinyin annotations that lost their opening or closing bracket."""
    if _found(_PINYIN_CLOSE, s):
        if "?" in s:
            s = _PY_BROKEN_Q.sub(_pinyin_remover(frags), s)
        s = _PY_NO_OPEN.sub(_pinyin_remover(frags), s)
    if _found(_OPEN_PINYIN, s):
        s = _PY_NO_CLOSE.sub(_pinyin_remover(frags), s)
    return s


def _drop_debris(s: str, frags: list[str], toneless: Callable[[], bool]) -> str:
    """Broken-byte debris, empty brackets, doubled separators and runs of spaces; strips the line."""
    drop = _remover(frags)
    if "锟" in s or "?" in s or "<" in s:
        s = _BROKEN.sub(drop, s)
    if _BRACKET_OR_SEP_PAIR.search(s):
        s = _EMPTY_BRACKETS.sub(drop, s)
        s = _REPEATED_SEP.sub(r"\1", s)
    if "  " in s:
        s = _MULTI_SPACE.sub(" ", s)
    return s.strip()


#: One round of the fragment rules, in order.
_FRAGMENT_STEPS = (_drop_tags, _drop_links, _drop_annotations, _drop_broken_annotations, _drop_debris)

#: Rounds of fragment rules per line. Real lines settle in one or two; only deliberately nested
#: junk ("((((()))))" hundreds deep) needs more, and the cap keeps such input linear in time.
_MAX_ROUNDS = 64


def _clean_line(s: str, frags: list[str], toneless: Callable[[], bool]) -> str:
    """Fragment rules repeated to a fixed point (each change shortens the line, so this ends).

    After a round that changed the line, it is normalised again and the next round follows. Two
    shortcuts give exactly the result of running every step of every round:
    * A step that has already seen the current text and left it alone would leave it alone again.
      So a round that has changed nothing when it reaches the steps that came after the previous
      round's last change (and saw its final text) ends there, unchanged.
    * Steps only delete text, so a line cut from normalised text never gains a character that
      the translate table maps; only an entity or a mojibake pair joined by a deletion can be new.
      Without "&" and without a mojibake pair, normalising would change nothing, and is skipped.
    """
    rerun = len(_FRAGMENT_STEPS)  # steps that must see the current text before it counts as stable
    for _ in range(_MAX_ROUNDS):
        last = -1  # index of the last step that changed the line in this round
        for i, step in enumerate(_FRAGMENT_STEPS):
            if last < 0 and i >= rerun:
                return s
            new = step(s, frags, toneless)
            if new != s:
                s, last = new, i
        if last < 0:
            return s
        rerun = last + 1
        if "&" in s or _MOJIBAKE_PAIR.search(s):
            new = _normalize_chars(s).replace("\n", " ").strip()
            if new != s:
                s, rerun = new, len(_FRAGMENT_STEPS)
    return s


def _has_toned_annotation(text: str) -> bool:
    return any(_pinyin_kind(m.group(1)) == 2 for m in _PY_ANNOTATION.finditer(text))


_SCRIPT = re.compile(r"<(script|style|noscript)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|ul|ol|tr|td|th|table|h[1-6]|section|article|blockquote|dd|dt)\b[^<>\n]*>",
                        re.IGNORECASE)
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
        self.meta_key = re.compile(f"{not_glued}(?:{_alternation(plain_keys)})\\s*[\uff1a:丨|】\\]]")
        self.meta_date_key = re.compile(
            f"{not_glued}(?:{_alternation(meta['date_keys'])})\\s*[\uff1a:丨|】\\]]\\s*[\\[【\uff08(]?\\s*\\d")
        self.meta_space_key = re.compile(f"^(?:{_alternation(plain_keys)})\\s+\\S")
        self.meta_prefix = re.compile(f"^(?:{_alternation(meta['line_prefixes'])})")
        self.meta_max = int(meta["max_len"])

        self.title_prefix = re.compile(f"^(?:{_alternation(d['title']['prefixes'])})\\s*[\uff1a:]\\s*(.+)$")

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

# Full-width punctuation is written as \uXXXX escapes: U+FF01 !, U+FF08 (, U+FF09 ), U+FF0C comma,
# U+FF1A colon, U+FF1B semicolon, U+FF1E >, U+FF1F ?.
_PROSE = re.compile(r"[。\uff01\uff1f!?]")
_PUNCT = re.compile(r"[\uff0c,。、\uff1b;\uff1a:\uff01\uff1f!?“”\"\uff08\uff09()《》【】]")
_DECOR_LEAD = " •·●▪◆■□○◇▶►▲△★☆※*+-—_|/[]【】\uff08\uff09()〔〕<>"
_DECOR_TRAIL = " []【】\uff08\uff09()〔〕"
_DECOR_ALL = re.compile(r"[\s\uff1a:【】\[\]<>《》»\uff1e›·•●▪◆■□\-—_…\.。|/+\uff08\uff09()]+")
_NON_WORD = re.compile(r"[\W\d_]+")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_FILENAME = re.compile(
    r"^[\w\-.()\[\] ]+\.(?:jpe?g|png|gif|bmp|webp|svg|tiff?|docx?|pdf|xlsx?|pptx?|txt|zip|rar|s?html?|php|aspx?|jsp)$",
    re.IGNORECASE)
_CODE_CHARS = re.compile(r"[{}=<>$#\\]")
_CODE_WORDS = re.compile(r"document\.|function\s*\(|\bvar\s|error:|window\.|\$\(|\(\s*[\"']|[\"']\s*\)")
_ID_TOKEN = re.compile(r"^(?=(?:[^\d]*\d){4})[A-Za-z0-9_.\-]+$")
_BULLET = re.compile(r"^[•·●▪◆■□○◇▶►\-*]\s*\S")
_SPAM_SPLIT = re.compile(r"[\uff0c,、_|]")

_DATE = (r"(?:\d{4}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?|\d{4}年\d{1,2}月|"
         r"\d{1,2}\s*[-./月]\s*\d{1,2}\s*日?|\d{1,2}\.\d{1,2}\.\d{4})")
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
_DATE_ONLY = re.compile(
    rf"^(?:(?:发布|更新|发稿)?(?:时间|日期)[\uff1a:]?\s*)?[\[【\uff08(]?\s*{_DATE}(?:\s*{_TIME})?\s*"
    rf"(?:星期[一二三四五六日天]|周[一二三四五六日天])?\s*[\]】\uff09)]?$|^{_TIME}$")
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
    # Counting costs a pass over the line each: on a long line (only spam and footer rules apply)
    # the cheap test for a full stop comes first.
    if "。" not in core and (core.count("\uff0c") + core.count(",") + core.count("_") + core.count("|")
                            >= _F.spam_items - 1):
        items = [i for i in _SPAM_SPLIT.split(core) if i.strip()]
        if len(items) >= _F.spam_items and all(len(i) <= _F.spam_item_len for i in items):
            hits = sum(1 for i in items if _F.spam_word.search(i))
            if hits >= _F.spam_hits and 2 * hits >= len(items):
                return "spam"
    if n <= _F.footer_strong_max and _F.footer_strong.search(core):
        return "footer"
    if n > _LONG_LINE:
        return None  # long prose: nothing below applies
    prose = _is_prose(core)
    commas = core.count("\uff0c") + core.count(",")

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
    return len(s) <= _F.headline_max and not _is_prose(s) and not s.endswith(("\uff1a", ":"))


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
    for a, b in itertools.pairwise(kept):
        if len(a) >= 15 and b.startswith(a) and not b[len(a)].isspace() and a[-1] not in "。\uff01\uff1f!?”\"":
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
    if "\ufffd" in text:
        removed.extend(_FFFD_RUN.findall(text))
    if "&" in text or _CHAR_RULE_SIGN.search(text):
        if _HAS_SURROGATE.search(text):
            text = _SURROGATES.sub("", text)
        text = _normalize_chars(text)
    if "<" in text:
        text = _SCRIPT.sub(_block_remover(removed), text)
        text = _BLOCK_TAG.sub("\n", text)
    # Toneless annotations "(men)" count only in a document with toned ones. Finding out searches
    # the whole text, so it is done (once) when the first toneless candidate turns up, which is rare.
    toned: list[bool] = []

    def toneless() -> bool:
        if not toned:
            toned.append(_has_toned_annotation(text))
        return toned[0]

    raws: list[str] = []
    cleaned: list[str] = []
    frags: list[list[str]] = []
    for raw in text.split("\n"):
        s = raw.strip()
        if not s:
            continue
        line_frags: list[str] = []
        if _needs_fragment_rules(s):
            s = _clean_line(s, line_frags, toneless)
        raws.append(raw.strip())
        cleaned.append(s)
        frags.append(line_frags)

    # Surrogates were removed above and no rule creates one (entities decode them to U+FFFD).
    lines = _t2s("\n".join(cleaned)).split("\n")
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
