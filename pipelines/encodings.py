"""Legacy Vietnamese text encodings found in old government files.

Four families of damage are handled (design.md §3 "Text"):

* **TCVN3** (TCVN 5712:1993 "ABC", the ``.VnTime`` fonts): one byte per letter.
  The ``.VnTime`` fonts hold the lower-case letters plus the seven capitals
  Ă Â Ê Ô Ơ Ư Đ; capitals that carry a tone mark (À Ấ Ễ …) lived in a second font
  (``.VnTimeH``) drawn on the *lower-case* byte values. :func:`encode_tcvn3` therefore
  writes every toned capital as its lower-case byte, and :func:`decode_tcvn3` gives
  it back in lower case: exactly those 60 letters (12 vowels x 5 tones) lose their
  case; ASCII capitals and Ă Â Ê Ô Ơ Ư Đ keep it. :func:`restore_tcvn3_case` puts
  capitals back where the context makes them certain enough (all-capital words,
  capitalised names).
* **VNI-Windows**: a base ASCII letter followed by one or two cp1252 characters for
  the vowel modifier and the tone (``"aø"`` = à, ``"Nguyeãn"`` = Nguyễn); ơ ư đ ĩ ị
  ỉ ì í ỵ are single characters (``ô ö ñ ó ò æ ì í î``).
* **Windows-1258**: Python's ``cp1258`` codec returns decomposed text (base letter +
  combining tone mark); :func:`decode_cp1258` normalises to NFC and
  :func:`encode_cp1258` decomposes the tone marks cp1258 cannot hold precomposed.
* **Mojibake**: UTF-8 bytes decoded as cp1252 / latin-1 (``"Nguyá»…n"``).

On top of the codecs: :func:`detect_encoding` picks the encoding of raw bytes by
decoding under each candidate and scoring how Vietnamese the result looks, and
:func:`repair_text` / :func:`repair_column` repair cells that were already decoded
with the wrong code page (a VNI or TCVN3 CSV read as cp1252, say).

Sources checked for the tables (code points are facts; the tables below were written
out here letter by letter, not copied):

* TCVN3: GNU libiconv ``lib/tcvn.h`` (TCVN 5712:1993 VN1, bytes 0xA0-0xFF and the
  VN1 capitals in the gaps) and UniKey's VnConv ``ukengine/data.cpp`` (TCVN3 row:
  same lower-case bytes, toned capitals written with the lower-case byte, the cp1252
  symbols 0x80-0x9F left as they are). Both agree on every lower-case letter and on
  A1-A7 for Ă Â Ê Ô Ơ Ư Đ.
* VNI-Windows: UniKey's VnConv ``ukengine/data.cpp`` (VNI-WIN row, as 16-bit words
  base | tone << 8) and duydev/vietnamese-conversion ``src/charsets.ts`` (VNI list).
  Both agree on all 134 letters.
* Windows-1258: Python's own ``cp1258`` codec (Microsoft's table).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl

__all__ = [
    "VIETNAMESE_LETTERS",
    "TCVN3_CASE_LOST",
    "encode_tcvn3",
    "decode_tcvn3",
    "restore_tcvn3_case",
    "encode_vni",
    "decode_vni",
    "encode_cp1258",
    "decode_cp1258",
    "make_mojibake",
    "repair_mojibake",
    "LEGACY",
    "LEGACY_CODECS",
    "LegacyCodec",
    "UNICODE",
    "choose_encoding",
    "detect_encoding",
    "decode_bytes",
    "vietnamese_score",
    "repair_text",
    "repair_column",
]

# --------------------------------------------------------------------------- tables

# TCVN3 (ABC): lower-case letters and the seven capitals the .VnTime fonts hold.
# Order per vowel: grave, hook, tilde, acute, dot below (the byte order of the table).
_TCVN3_BYTES: dict[str, int] = {
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
    "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA, "ậ": 0xCB,
    "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8, "ộ": 0xE9,
    "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
}  # fmt: skip

# Bytes in 0xA0-0xFF that the .VnTime fonts leave unused. TCVN 5712 VN1 (libiconv)
# puts toned capitals and the five combining tone marks there; decoding them that
# way is the standard's meaning (encode_tcvn3 never writes them).
_TCVN3_VN1_EXTRA: dict[int, str] = {
    0xAF: "Ằ", 0xB0: "\u0300", 0xB1: "\u0309", 0xB2: "\u0303", 0xB3: "\u0301",
    0xB4: "\u0323", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ",
    0xC3: "Ẫ", 0xC4: "Ấ", 0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ",
    0xE0: "Ổ", 0xF0: "Ỗ", 0xFF: "Ố",
}  # fmt: skip

# VNI-Windows, lower case: letter -> characters (as cp1252 text). Capitals are the
# same characters upper-cased ("aù" -> "AÙ", "ö" -> "Ö"), which both sources confirm.
# Tones: acute ù, grave ø, hook û, tilde õ, dot ï; circumflex â (+ tone: á à å ã ä);
# breve ê (+ tone: é è ú ü ë); horn: ô for ơ, ö for ư.
_VNI_LOWER: dict[str, str] = {
    "á": "aù", "à": "aø", "ả": "aû", "ã": "aõ", "ạ": "aï",
    "ă": "aê", "ắ": "aé", "ằ": "aè", "ẳ": "aú", "ẵ": "aü", "ặ": "aë",
    "â": "aâ", "ấ": "aá", "ầ": "aà", "ẩ": "aå", "ẫ": "aã", "ậ": "aä",
    "é": "eù", "è": "eø", "ẻ": "eû", "ẽ": "eõ", "ẹ": "eï",
    "ê": "eâ", "ế": "eá", "ề": "eà", "ể": "eå", "ễ": "eã", "ệ": "eä",
    "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò",
    "ó": "où", "ò": "oø", "ỏ": "oû", "õ": "oõ", "ọ": "oï",
    "ô": "oâ", "ố": "oá", "ồ": "oà", "ổ": "oå", "ỗ": "oã", "ộ": "oä",
    "ơ": "ô", "ớ": "ôù", "ờ": "ôø", "ở": "ôû", "ỡ": "ôõ", "ợ": "ôï",
    "ú": "uù", "ù": "uø", "ủ": "uû", "ũ": "uõ", "ụ": "uï",
    "ư": "ö", "ứ": "öù", "ừ": "öø", "ử": "öû", "ữ": "öõ", "ự": "öï",
    "ý": "yù", "ỳ": "yø", "ỷ": "yû", "ỹ": "yõ", "ỵ": "î",
    "đ": "ñ",
}  # fmt: skip

_TONE_MARKS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_GRAVE, _HOOK, _TILDE, _ACUTE, _DOT = 1, 2, 3, 4, 5

#: Every Vietnamese letter outside ASCII, lower then upper case (134 letters).
VIETNAMESE_LETTERS: tuple[str, ...] = tuple(_VNI_LOWER) + tuple(c.upper() for c in _VNI_LOWER)

#: The capitals TCVN3 files cannot hold: they decode as their lower-case letter.
TCVN3_CASE_LOST: frozenset[str] = frozenset(
    c.upper() for c in _TCVN3_BYTES if c.islower() and any(m in _TONE_MARKS for m in unicodedata.normalize("NFD", c))
)

# --------------------------------------------------------------------------- cp1252

# cp1252 with the five undefined bytes read as the latin-1 C1 controls, which is
# what Windows and most "latin-1" readers produce for them.
_SLOPPY_1252_TABLE = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))
# Inverse: cp1252 characters and every latin-1 character (C1 controls included).
_SLOPPY_1252_ENCODE: dict[int, int] = {ord(c): b for b, c in enumerate(_SLOPPY_1252_TABLE)}
_SLOPPY_1252_ENCODE.update({b: b for b in range(0x80, 0xA0)})
# Characters cp1252 proper defines (no C1 controls).
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
_CP1252_CHARS = frozenset(c for b, c in enumerate(_SLOPPY_1252_TABLE) if b not in _CP1252_UNDEFINED)


def _sloppy_1252_decode(data: bytes) -> str:
    return codecs.charmap_decode(data, "strict", _SLOPPY_1252_TABLE)[0]


def _sloppy_1252_encode(text: str) -> bytes | None:
    try:
        return codecs.charmap_encode(text, "strict", _SLOPPY_1252_ENCODE)[0]
    except UnicodeEncodeError:
        return None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --------------------------------------------------------------------------- TCVN3

_TCVN3_ENCODE: dict[str, int] = dict(_TCVN3_BYTES)
for _c, _b in _TCVN3_BYTES.items():
    if _c.islower() and _c.upper() in TCVN3_CASE_LOST:
        _TCVN3_ENCODE[_c.upper()] = _b  # toned capitals: the lower-case byte
# cp1252 symbols on bytes the TCVN3 fonts keep (0x80-0x9F, no-break space).
for _b in [*range(0x80, 0xA0), 0xA0]:
    if ord(_SLOPPY_1252_TABLE[_b]) >= 0x80 and _b not in _CP1252_UNDEFINED:
        _TCVN3_ENCODE[_SLOPPY_1252_TABLE[_b]] = _b

_TCVN3_DECODE_TABLE = "".join(
    chr(b)
    if b < 0x80
    else _SLOPPY_1252_TABLE[b]
    if b <= 0xA0
    else next((c for c, v in _TCVN3_BYTES.items() if v == b), None) or _TCVN3_VN1_EXTRA[b]
    for b in range(256)
)
_TCVN3_ENCODE_MAP: dict[int, int] = {ord(c): b for c, b in _TCVN3_ENCODE.items()}
_TCVN3_ENCODE_MAP.update({b: b for b in range(0x80)})


def encode_tcvn3(text: str, errors: str = "strict") -> bytes:
    """Encode text as TCVN3 (ABC) bytes, as a .VnTime/.VnTimeH document would hold it.

    Toned capitals (À, Ấ, Ễ …, see :data:`TCVN3_CASE_LOST`) are written with their
    lower-case byte. Characters TCVN3 cannot hold raise ``UnicodeEncodeError``
    (``errors`` is passed to the charmap codec: "strict", "replace", "ignore").
    """
    return codecs.charmap_encode(_nfc(text), errors, _TCVN3_ENCODE_MAP)[0]


def decode_tcvn3(data: bytes, *, restore_case: bool = False) -> str:
    """Decode TCVN3 (ABC) bytes to NFC text.

    Toned letters come back in lower case (the bytes do not say whether the
    capitals font was used); ``restore_case=True`` applies :func:`restore_tcvn3_case`.
    Bytes 0x80-0x9F are the cp1252 symbols; the unused gaps in 0xA0-0xFF follow
    TCVN 5712 VN1.
    """
    text = _nfc(codecs.charmap_decode(bytes(data), "strict", _TCVN3_DECODE_TABLE)[0])
    return restore_tcvn3_case(text) if restore_case else text


_CASE_LOST_LOWER = frozenset(c.lower() for c in TCVN3_CASE_LOST)
_CASE_LOST_RE = re.compile("[" + "".join(sorted(_CASE_LOST_LOWER)) + "]")
_WORD_RE = re.compile(r"[^\W\d_]+")


def _upper_lost(word: str) -> str:
    return "".join(c.upper() if c in _CASE_LOST_LOWER else c for c in word)


def restore_tcvn3_case(text: str) -> str:
    """Put back capitals TCVN3 lost, where the context makes them near certain.

    Only toned vowels (the letters TCVN3 cannot hold as capitals) are changed:

    * in a text whose other letters are all capitals (at least two), all of them:
      ``"NGUYễN VĂN Cừ"`` -> ``"NGUYỄN VĂN CỪ"``;
    * in a word with at least two capitals and no other lower-case letter, all of
      them: ``"Ông NGUYễN Văn"`` -> ``"Ông NGUYỄN Văn"``;
    * a word-initial one, when every word that starts with another letter is
      capitalised (a name, an address in title case):
      ``"Đặng Ngọc ẩn, ấp Đông"`` -> ``"Đặng Ngọc Ẩn, Ấp Đông"``.

    Anything else is left as it is (``"ấp 3"`` may have been ``"Ấp 3"``; ``"Số 5 ở
    Quận 1"`` wrongly becomes ``"Số 5 Ở Quận 1"``).
    """
    if not _CASE_LOST_RE.search(text):
        return text
    known = _CASE_LOST_RE.sub("", text)  # the letters whose case is known
    if known.isupper() and sum(c.isupper() for c in known) >= 2:
        return _upper_lost(text)
    words = list(_WORD_RE.finditer(text))
    initials = [text[m.start()] for m in words]
    title = [c.isupper() for c in initials if c not in _CASE_LOST_LOWER]
    title_case = bool(title) and all(title)
    out = text
    for m in words:
        w = m.group()
        if not _CASE_LOST_RE.search(w):
            continue
        lowers = [c for c in w if c.islower()]
        if sum(c.isupper() for c in w) >= 2 and all(c in _CASE_LOST_LOWER for c in lowers):
            new = _upper_lost(w)
        elif title_case and w[0] in _CASE_LOST_LOWER:
            new = w[0].upper() + w[1:]
        else:
            continue
        out = out[: m.start()] + new + out[m.end() :]  # same length: offsets hold
    return out


# --------------------------------------------------------------------------- VNI

_VNI_ENCODE: dict[str, str] = dict(_VNI_LOWER)
_VNI_ENCODE.update({c.upper(): s.upper() for c, s in _VNI_LOWER.items()})
# Characters with a VNI meaning: they cannot stand for themselves in VNI text.
_VNI_SIGNIFICANT = frozenset(ch for s in _VNI_ENCODE.values() for ch in s if ord(ch) >= 0x80)
# Decoding also accepts a modifier in the other case than its base letter
# ("Aù", "aÙ"), as typed with Caps Lock: the base letter decides the case.
_VNI_DECODE: dict[str, str] = {}
for _letter, _seq in _VNI_ENCODE.items():
    _head, _mods = _seq[0], _seq[1:]
    _variants = [""]
    for _m in _mods:
        _variants = [v + x for v in _variants for x in {_m.lower(), _m.upper()}]
    for _v in _variants:
        _VNI_DECODE.setdefault(_head + _v, _letter)
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI_DECODE, key=len, reverse=True)))


def encode_vni(text: str) -> bytes:
    """Encode text as VNI-Windows bytes (cp1252 code points).

    Raises ``UnicodeEncodeError`` for characters cp1252 cannot hold or that would
    read back as a VNI letter part (``ø``, ``ñ``, ``ô`` …).
    """
    text = _nfc(text)
    out: list[str] = []
    for i, ch in enumerate(text):
        seq = _VNI_ENCODE.get(ch)
        if seq is None:
            if ch in _VNI_SIGNIFICANT or (ord(ch) >= 0x80 and ch not in _CP1252_CHARS):
                reason = f"{ch!r} (U+{ord(ch):04X}) cannot be represented in VNI-Windows"
                raise UnicodeEncodeError("vni", text, i, i + 1, reason)
            seq = ch
        out.append(seq)
    return "".join(out).encode("cp1252")


def _vni_letter(match: re.Match[str]) -> str:
    return _VNI_DECODE[match.group()]


def decode_vni(data: bytes) -> str:
    """Decode VNI-Windows bytes to NFC text (cp1252 for everything that is not a letter)."""
    return _nfc(_VNI_RE.sub(_vni_letter, _sloppy_1252_decode(bytes(data))))


# --------------------------------------------------------------------------- cp1258


def decode_cp1258(data: bytes, errors: str = "strict") -> str:
    """Decode Windows-1258 bytes to NFC text (Python's codec leaves tone marks combining)."""
    return _nfc(bytes(data).decode("cp1258", errors=errors))


def encode_cp1258(text: str, *, precomposed: bool = True) -> bytes:
    """Encode text as Windows-1258.

    cp1258 holds the base letters (with circumflex, breve or horn precomposed: â ă ê
    ô ơ ư) and the five tone marks as combining characters. A letter cp1258 lacks
    precomposed (ấ, ễ, ợ …) is written as base + combining tone mark. cp1258 also
    has a few toned letters precomposed (à á è é ì í ò ó ù ú and capitals):
    ``precomposed=True`` (the default, the shortest form) uses them;
    ``precomposed=False`` writes every tone mark as a combining byte. Both forms
    occur in cp1258 files and decode to the same NFC text.

    Raises ``UnicodeEncodeError`` naming the character for anything cp1258 cannot
    hold (positions refer to the NFC form of ``text``).
    """
    text = _nfc(text)
    out = bytearray()
    for i, ch in enumerate(text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        tones = [m for m in decomposed if m in _TONE_MARKS]
        if precomposed or not tones:
            try:
                out += ch.encode("cp1258")
                continue
            except UnicodeEncodeError:
                pass
        base = _nfc("".join(m for m in decomposed if m not in _TONE_MARKS))
        try:
            if len(tones) > 1 or not base:
                raise UnicodeEncodeError("cp1258", text, i, i + 1, "")
            out += base.encode("cp1258") + "".join(tones).encode("cp1258")
        except UnicodeEncodeError:
            raise UnicodeEncodeError(
                "cp1258", text, i, i + 1, f"{ch!r} (U+{ord(ch):04X}) cannot be represented in Windows-1258"
            ) from None
    return bytes(out)


# --------------------------------------------------------------------------- mojibake


def make_mojibake(text: str) -> str:
    """The text as seen after its UTF-8 bytes were decoded as cp1252 ("Nguyễn" -> "Nguyá»…n")."""
    return _sloppy_1252_decode(text.encode("utf-8"))


def _carrier_chars(first: int, last: int) -> str:
    chars = {_SLOPPY_1252_TABLE[b] for b in range(first, last + 1)}
    chars |= {bytes([b]).decode("cp1258", errors="ignore") for b in range(first, last + 1)} - {""}
    return "".join(sorted(chars))


# A UTF-8 lead byte followed by a continuation byte, as cp1252 or cp1258 shows them:
# text without one cannot be mojibake (a cheap test before trying the round trip).
_MOJIBAKE_HINT = re.compile(f"[{re.escape(_carrier_chars(0xC2, 0xF4))}][{re.escape(_carrier_chars(0x80, 0xBF))}]")


def _unmojibake_once(text: str) -> str | None:
    if not _MOJIBAKE_HINT.search(text):
        return None
    # cp1258 is only tried when cp1252 cannot hold the text: where both can, they
    # give the same bytes except on characters a cp1258 reader never produces.
    raw = _sloppy_1252_encode(text)
    if raw is None:
        raw = _cp1258_carrier(text)
    if raw is None or raw.isascii():
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252 / latin-1 (or cp1258), repeatedly if it happened twice.

    Only text whose every character maps back to a byte and whose bytes are valid
    UTF-8 is changed; anything else (clean Vietnamese, "Café") is returned as is.
    """
    for _ in range(3):
        fixed = _unmojibake_once(text)
        if fixed is None or fixed == text:
            break
        text = fixed
    return _nfc(text)


# --------------------------------------------------------------------------- scoring

# Lower-case letters of Vietnamese -> (the letter without its tone mark, tone).
_LETTER_INFO: dict[str, tuple[str, int]] = {c: (c, 0) for c in "abcdeghiklmnopqrstuvxy"}
for _c in _VNI_LOWER:
    _d = unicodedata.normalize("NFD", _c)
    _t = next((_TONE_MARKS[m] for m in _d if m in _TONE_MARKS), 0)
    _LETTER_INFO[_c] = (_nfc("".join(m for m in _d if m not in _TONE_MARKS)), _t)

_ONSETS = "ngh ng nh ch gh gi kh ph qu th tr b c d đ g h k l m n p r s t v x".split()
_RHYMES = """
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt
oc oe oen oeo oet oi om on ong oong ooc op ot
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uân uâng uât uây uc ui um un ung up ut uy uya uych uyên uyêt uynh uyt uyu
uôc uôi uôm uôn uông uôt uê uêch uênh uơ
ư ưa ưc ưi ưm ưn ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêt yêu ych ynh yt
ak ăk ok ôk ơk uk ưk
""".split()  # last line: highland place names (Đắk Lắk, Krông Búk)
_VOWELS = frozenset("aăâeêioôơuưy")
_MODIFIED = frozenset("ăâêôơư")


def _tone_positions(rhyme: str) -> frozenset[int]:
    """Where a rhyme may carry its tone mark (index into the rhyme).

    On the vowel with a circumflex/breve/horn (the last one: ươ -> ơ); else on the
    only vowel; else, before a final consonant, on the last vowel; oa/oe/uy without
    a final take either (hòa/hoà, thủy/thuỷ); other three-vowel rhymes the middle
    one (ngoài, khuỷu); other two-vowel rhymes the first (mía, của, máy).
    """
    vowels = [i for i, c in enumerate(rhyme) if c in _VOWELS]
    modified = [i for i in vowels if rhyme[i] in _MODIFIED]
    if modified:
        return frozenset({modified[-1]})
    if len(vowels) == 1:
        return frozenset(vowels)
    if rhyme[-1] not in _VOWELS:
        return frozenset({vowels[-1]})
    if rhyme in ("oa", "oe", "uy"):
        return frozenset(vowels[:2])
    if len(vowels) == 3:
        return frozenset({vowels[1]})
    return frozenset({vowels[0]})


_RHYME_TONES: dict[str, frozenset[int]] = {r: _tone_positions(r) for r in _RHYMES}
_STOPS = ("p", "t", "c", "ch", "k")
_ONSETS_BY_LENGTH = ("", *_ONSETS)

# Frequent syllables of names and addresses (both tone placements where they differ).
_COMMON = frozenset(
    """
nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đinh đào
lâm mai trương tạ thái cao quách lương văn thị đức minh hồng thanh ngọc quang hải
tuấn anh hương lan hạnh thảo trang phương dũng hùng cường thành phố phường quận
huyện xã thị trấn đường số ấp khu tổ hẻm kiệt ngõ hồ chí bình tân phú thạnh long
hòa hoà lộc thuận đông tây nam bắc trung đại sài gòn gò vấp củ nhà bè cần giờ thủ
hóc môn mỹ an phước vĩnh hiệp lợi nghĩa tiến thắng lập hưng thọ ninh định điện
biên lạc hiếu tâm trí tài thủy thuỷ xuân thu hà sơn châu chánh dầu một bà rịa vũng
tàu dĩ thới bến nghé kao cô giang lý quốc đạo mười hai ba bốn năm sáu bảy tám chín
tỉnh khánh hội hiệp lộ đình chợ cầu sông kênh rạch đồng mới cũ ông lớn nhỏ
""".split()
)

# Non-letters outside ASCII that clean text may contain.
# (Not "·", "«", "»": TCVN3 letters read as cp1252 look like them.)
_ALLOWED_PUNCT = frozenset("\u00a0“”‘’–—…•°№₫€")
_NON_ASCII_SYMBOL_RE = re.compile(r"[^\x00-\x7F\w]")
_JUNK_CACHE: dict[str, bool] = {}
_SYLLABLE_CACHE: dict[str, bool] = {}


def _is_junk(ch: str) -> bool:
    junk = _JUNK_CACHE.get(ch)
    if junk is None:
        cat = unicodedata.category(ch)
        junk = not (cat[0] == "L" or cat == "Zs" or ch in _ALLOWED_PUNCT)
        _JUNK_CACHE[ch] = junk
    return junk


def _check_syllable(word: str) -> bool:
    base: list[str] = []
    tone = 0
    tone_at = -1
    for i, ch in enumerate(word):
        info = _LETTER_INFO.get(ch)
        if info is None:
            return False
        if info[1]:
            if tone:
                return False
            tone, tone_at = info[1], i
        base.append(info[0])
    b = "".join(base)
    if b.endswith(_STOPS) and tone not in (_ACUTE, _DOT):
        return False
    for onset in _ONSETS_BY_LENGTH:
        if not b.startswith(onset):
            continue
        rhyme = b[len(onset) :]
        positions = _RHYME_TONES.get(rhyme)
        if positions is None or (tone and tone_at - len(onset) not in positions):
            continue
        front = rhyme[0] in "ieêy"
        # Spelling rules: k/gh/ngh before i e ê y, c/g/ng elsewhere; qu already
        # holds the glide (no "quo", "quu").
        if onset in ("k", "gh", "ngh") and not front:
            continue
        if onset in ("c", "g", "ng") and front and not (onset == "g" and rhyme[0] == "i"):
            continue
        if onset == "qu" and rhyme[0] in "ouư":
            continue
        return True
    return False


def _is_syllable(word: str) -> bool:
    """Whether a lower-case NFC word is a well-formed Vietnamese syllable."""
    ok = _SYLLABLE_CACHE.get(word)
    if ok is None:
        ok = _check_syllable(word)
        if len(_SYLLABLE_CACHE) < 500_000:
            _SYLLABLE_CACHE[word] = ok
    return ok


_Counts = tuple[int, int, int, int, int]


def _analyse(text: str) -> _Counts:
    """Counts over the non-ASCII words of NFC text: (valid syllables, frequent ones,
    other words, stray symbols, valid syllables of two letters or more)."""
    good = common = bad = longer = 0
    for w in _WORD_RE.findall(text):
        if w.isascii():
            continue
        lw = w.lower()
        if _is_syllable(lw):
            good += 1
            common += lw in _COMMON
            longer += len(lw) > 1
        else:
            bad += 1
    junk = sum(_is_junk(ch) for ch in _NON_ASCII_SYMBOL_RE.findall(text))
    return good, common, bad, junk, longer


def _score(counts: _Counts) -> int:
    good, common, bad, junk, _ = counts
    return good + common - 2 * bad - 2 * junk


def vietnamese_score(text: str) -> int:
    """How Vietnamese text looks: +1 per well-formed Vietnamese syllable with a
    diacritic, +1 more if it is a frequent one, -2 per other non-ASCII word and per
    stray symbol or control character. ASCII words count zero."""
    return _score(_analyse(_nfc(text)))


# --------------------------------------------------------------------------- detection


@dataclass(frozen=True)
class LegacyCodec:
    """One legacy encoding: ``encode`` (text -> bytes, character by character: a text's bytes are its characters'
    bytes one after the other, which the generator's fast writer relies on), ``decode`` (bytes -> NFC text; raises
    ``UnicodeDecodeError`` on bytes the encoding does not define) and ``sample`` (decodes any bytes: how a file's
    sample reads, for detection)."""

    encode: Callable[[str], bytes]
    decode: Callable[[bytes], str]
    sample: Callable[[bytes], str]


#: The legacy Vietnamese encodings read here, in detection order (ties: the first wins), with their codecs. The one
#: declaration: the catalogue's encodings, the CLI's choices, detection, the readers, repair_column's column reading
#: and the generator's encodings and old systems (pipelines/synth) derive from it, so a codec added here is read,
#: generated and tested.
LEGACY_CODECS: dict[str, LegacyCodec] = {
    "cp1258": LegacyCodec(encode_cp1258, decode_cp1258, lambda data: decode_cp1258(data, errors="replace")),
    "vni": LegacyCodec(encode_vni, decode_vni, decode_vni),
    "tcvn3": LegacyCodec(encode_tcvn3, decode_tcvn3, decode_tcvn3),
}
LEGACY = tuple(LEGACY_CODECS)
#: Unicode encodings (Python's codecs): decoded as they are, then NFC.
UNICODE = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be")
_DETECT_ORDER = LEGACY


def _decode_as(data: bytes, encoding: str) -> str:
    if encoding not in LEGACY_CODECS:
        raise ValueError(encoding)
    return LEGACY_CODECS[encoding].sample(data)


def _utf8_sample(sample: bytes, size: int) -> str | None:
    """The first bytes of a ``size``-byte file read as UTF-8 (None when they are not UTF-8). A sample shorter than
    the file may end inside a letter: that is not an error."""
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) == size)
    except UnicodeDecodeError:
        return None


def detect_encoding(data: bytes, sample_size: int = 1 << 16) -> str:
    """Encoding of a file's bytes: 'utf-8-sig', 'utf-16', 'utf-16-le', 'utf-16-be', 'utf-8', 'cp1258', 'vni' or 'tcvn3'.

    A BOM means 'utf-8-sig' (or 'utf-16': Excel's "Unicode text" export); UTF-16 text without a BOM shows
    as NUL bytes in every other position ('utf-16-le' / 'utf-16-be'); bytes that are valid UTF-8 (pure ASCII
    included) are 'utf-8' (also when the file's last letter is cut in two: a transfer that stopped), and so is a file whose lines with non-ASCII bytes are mostly UTF-8, valid or but for a damaged byte (a
    UTF-8 file with a few damaged or foreign lines: legacy Vietnamese text is practically never valid UTF-8,
    and reading the whole file as a legacy encoding would garble every UTF-8 letter; the bad lines are the
    reader's to report). Otherwise the first ``sample_size`` bytes are decoded as cp1258, VNI and
    TCVN3 and the most Vietnamese-looking result wins (ties: in that order).
    """
    data = bytes(data)
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if has_utf16_bom(data):
        return "utf-16"
    sample = data[:sample_size]
    unmarked = _utf16_without_bom(sample)
    if unmarked:
        return unmarked
    if _utf8_sample(sample, len(data)) is not None:
        return "utf-8"
    if len(sample) == len(data) and _utf8_sample(sample, len(data) + 1) is not None:  # UTF-8 but for a letter cut
        return "utf-8"  # at its end (a file cut off in transfer): read as a legacy encoding, every letter garbled
    if _mostly_utf8(sample):
        return "utf-8"
    if len(sample) < len(data):  # do not cut a line (or a VNI letter) in two
        cut = sample.rfind(b"\n")
        sample = sample[: cut + 1] if cut > 0 else sample
    scores = {enc: _score(_analyse(_decode_as(sample, enc))) for enc in _DETECT_ORDER}
    return max(_DETECT_ORDER, key=lambda enc: scores[enc])


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when NUL bytes fill most odd (even) positions and almost no even (odd) one: the
    ASCII characters (digits, separators, Latin letters) of UTF-16 text without a byte order mark."""
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def _mostly_utf8(sample: bytes) -> bool:
    """Whether most of the sample's lines holding non-ASCII bytes (at least two of them) are UTF-8 (the sample's
    last line left out: it may be cut): valid, or UTF-8 letters but for a damaged byte (:func:`utf8_like`). Lines
    end in LF, CR LF or a CR alone (an old Mac file: split on LF only, it was one line, not UTF-8, and the whole file
    was read as VNI). A line of legacy Vietnamese text is valid UTF-8 only by a rare accident (every byte above 0x7F
    would have to fall into a well-formed sequence): of the sample registries' 5,456 non-ASCII UTF-8 lines encoded
    in cp1258 / VNI / TCVN3 (5,151 / 5,052 / 5,012 encodable), 139 / 3 / 0 are valid UTF-8, 139 / 7 / 0 valid or
    UTF-8-like; each of the 14 sample files so encoded (whole, LF or CR line ends, or its first 4,000 or 600 bytes)
    is still detected as its encoding (a throwaway check, /tmp/hd2/det.py)."""
    lines = [line for line in _LINE_ENDS.split(sample)[:-1] if not line.isascii()]
    if len(lines) < 2:
        return False
    valid = sum(_utf8_sample(line, len(line)) is not None or utf8_like(line) for line in lines)
    return valid >= 2 and valid * 2 > len(lines)


_LINE_ENDS = re.compile(rb"\r\n|\r|\n")
_REPLACED = re.compile("\ufffd+")


def utf8_like(line: bytes) -> bool:
    """Whether a line that is not valid UTF-8 is UTF-8 text with a few bytes damaged: its well-formed UTF-8
    characters above ASCII (at least two) outnumber twice over its runs of bytes that are not (a byte of one letter
    changed leaves one run). A Windows-1258, VNI or TCVN3 line forms such characters only by accident, next to
    many bytes that are not UTF-8. A damaged UTF-8 line is a UTF-8 file's line to report, not a sign of a legacy
    file: 5,004 of the sample's 5,456 non-ASCII lines with one continuation byte changed are UTF-8-like."""
    text = line.decode("utf-8", "replace")
    good = sum(1 for ch in text if ch > "\x7f" and ch != "\ufffd")
    return good >= 2 and good > 2 * len(_REPLACED.findall(text))


def utf8_read_as_legacy(data: bytes, encoding: str, sample_size: int = 1 << 16) -> bool:
    """Whether bytes declared ``encoding`` (cp1258, vni or tcvn3) are in fact UTF-8 Vietnamese: the first
    ``sample_size`` bytes are valid UTF-8, not all ASCII, and look more Vietnamese read as UTF-8 than as declared.
    (Read as TCVN3 or VNI, every byte is some letter: each UTF-8 letter would become two or three wrong ones.)"""
    sample = bytes(data[:sample_size])
    if sample.isascii():
        return False
    as_utf8 = _utf8_sample(sample, len(data))
    if as_utf8 is None:
        return False
    return vietnamese_score(as_utf8) > vietnamese_score(_decode_as(sample, encoding))


def choose_encoding(data: bytes, declared: str) -> tuple[str, str, int]:
    """(codec, label, bytes to skip) to read ``data`` declared ``declared`` (an encoding, or 'detect').

    'detect': :func:`detect_encoding`; a UTF-8 byte order mark before legacy bytes (a tool added it, or converted
    the mark only) is skipped and the bytes after it read as what they are. Declared: a UTF-16 byte order mark
    (Excel's "Unicode text": NULs between letters in any 8-bit reading) is read as UTF-16, and legacy-declared
    bytes that are UTF-8 Vietnamese (:func:`utf8_read_as_legacy`) as UTF-8: as declared, every letter would become
    two or three wrong ones. The label says what was read and, where it differs, what was declared."""
    if declared == "detect":
        found = detect_encoding(data)
        if found == "utf-8-sig" and (rest := detect_encoding(data[3:])) in LEGACY:
            return rest, f"{rest} (after a UTF-8 byte order mark)", 3
        return found, found, 0
    if has_utf16_bom(data):
        return "utf-16", f"utf-16 (declared {declared})", 0
    if declared in LEGACY and utf8_read_as_legacy(data, declared):
        return "utf-8", f"utf-8 (declared {declared})", 0
    return declared, declared, 0


def has_utf16_bom(data: bytes) -> bool:
    """Whether bytes start with a UTF-16 byte order mark (and are not UTF-32's, which starts the same)."""
    return data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) and data[:4] != codecs.BOM_UTF32_LE


def decode_bytes(data: bytes, encoding: str | None = None) -> str:
    """Decode a file's bytes (detecting the encoding when not given) to NFC text."""
    encoding = encoding or detect_encoding(data)
    if encoding in UNICODE:
        return _nfc(bytes(data).decode(encoding))
    if encoding not in LEGACY_CODECS:
        raise ValueError(encoding)
    return LEGACY_CODECS[encoding].decode(data)


def certain_legacy_reading(data: bytes) -> tuple[str, str] | None:
    """(NFC text, encoding) of a cell's bytes that are not UTF-8 when exactly one legacy encoding (cp1258, VNI,
    TCVN3) reads them as clean Vietnamese: every non-ASCII word a Vietnamese syllable, no stray symbol or control
    character, a syllable of two letters or more with a diacritic and a frequent one among them; None when no
    reading is clean, when more than one is and they differ (too few letters to tell: VNI 'Hồ' is Windows-1258
    'Hoà') or when the one clean reading holds no frequent syllable (b'H\\xffK' reads 'HỐK').
    A TCVN3 reading gets its lost capitals back where the context says (:func:`restore_tcvn3_case`)."""
    data = bytes(data)
    if data.isascii():
        return None
    clean: dict[str, str] = {}
    for encoding in _DETECT_ORDER:
        try:
            text = LEGACY_CODECS[encoding].decode(data)
        except (UnicodeDecodeError, ValueError):
            continue
        _good, common, bad, junk, longer = _analyse(text)
        if not bad and not junk and longer:
            clean[encoding] = (restore_tcvn3_case(text) if encoding == "tcvn3" else text, common)
    if len({text for text, _ in clean.values()}) != 1:
        return None
    encoding, (text, common) = next(iter(clean.items()))
    return (text, encoding) if common else None


def clean_legacy_reading(data: bytes, encoding: str) -> str | None:
    """The NFC text of ``data`` in the legacy ``encoding`` when it reads as clean Vietnamese there (every non-ASCII
    word a Vietnamese syllable, no stray symbol or control character), else None. Weaker than
    :func:`certain_legacy_reading` (no frequent syllable needed, other encodings not asked): for a short cell
    ('Nữ' in TCVN3) of a row whose other cells were read, for certain, in ``encoding``."""
    if encoding not in LEGACY_CODECS:
        return None
    try:
        text = LEGACY_CODECS[encoding].decode(bytes(data))
    except (UnicodeDecodeError, ValueError):
        return None
    _good, _common, bad, junk, _longer = _analyse(text)
    if bad or junk:
        return None
    return restore_tcvn3_case(text) if encoding == "tcvn3" else text


# --------------------------------------------------------------------------- NUL characters

NUL_REMOVED = "nul_removed"  # a repair kind: NUL characters taken out of a column's values


def without_nul(
    frame: pl.DataFrame, columns: list[str], *, notes: bool = False
) -> tuple[pl.DataFrame, dict[str, int], pl.Series | None]:
    """``frame`` with every NUL character (U+0000: a zero byte of a damaged or fixed-width export) taken out of the
    values of ``columns`` (text columns), which nothing reads as text: '12 Lê\\x00 Lợi' is '12 Lê Lợi'; an ID or a
    date with one inside would be read as invalid. Returns the frame (``frame`` itself when no value holds one),
    per column how many values held one (only columns with some), and with ``notes`` a per-row text naming the row's
    columns that held one ("address:nul_removed; head_name:nul_removed", empty when none), else None. Never a value.
    Shared by staging (repairs of kind :data:`NUL_REMOVED`) and the CLI's table readers (counted on stderr)."""
    if not columns or not frame.height:
        return frame, {}, None
    found = frame.select(pl.col(columns).str.contains("\x00", literal=True).sum()).row(0, named=True)
    counts = {name: int(n) for name, n in found.items() if n}
    if not counts:
        return frame, {}, None
    marks = None
    if notes:
        marks = frame.select(
            pl.concat_str(
                [
                    pl.when(pl.col(c).str.contains("\x00", literal=True)).then(pl.lit(f"{c}:{NUL_REMOVED}"))
                    for c in counts
                ],
                separator="; ",
                ignore_nulls=True,
            ).alias("nul_notes")
        ).to_series()
    cleaned = frame.with_columns(pl.col(c).str.replace_all("\x00", "", literal=True) for c in counts)
    return cleaned, counts, marks


# --------------------------------------------------------------------------- repair


def _cp1258_carrier(text: str) -> bytes | None:
    """The bytes a cp1258 reader turned into ``text`` (None if it cannot have)."""
    try:
        return text.encode("cp1258")
    except UnicodeEncodeError:
        pass
    try:
        return encode_cp1258(text, precomposed=False)
    except UnicodeEncodeError:
        return None


def _readings(raw: bytes, carrier: str) -> Iterator[tuple[str, str]]:
    """(repair, text) for the single-byte readings of a cell's bytes. The TCVN3
    reading is scored before its capitals are restored (scores ignore case)."""
    yield "vni", decode_vni(raw)
    yield "tcvn3", decode_tcvn3(raw)
    if carrier == "cp1252":
        try:
            yield "cp1258", decode_cp1258(raw)
        except UnicodeDecodeError:
            pass


def _repair(text: str) -> tuple[str, str | None, _Counts]:
    nfc = _nfc(text)
    counts = _analyse(nfc)
    score = _score(counts)
    # Mojibake first: a strict UTF-8 round trip is strong evidence on its own.
    # On a tie it wins when the result is clean ("HoÃ\xa0i" reads "hoã" + "i").
    fixed = repair_mojibake(text)
    if fixed != nfc:
        fixed_counts = _analyse(fixed)
        fixed_score = _score(fixed_counts)
        if fixed_score > score or (fixed_score == score and fixed_counts[2] == fixed_counts[3] == 0):
            return fixed, "mojibake", fixed_counts
    if counts[2] == 0 and counts[3] == 0:  # every non-ASCII word is Vietnamese
        return nfc, None, counts
    best, best_label, best_counts, best_score = nfc, None, counts, score
    # The cell's characters as the bytes a cp1252/latin-1 reader saw, then as the
    # bytes a cp1258 reader saw (only if the first gave no clean reading).
    for carrier in ("cp1252", "cp1258"):
        if best_label is not None and best_counts[2] == best_counts[3] == 0:
            break
        raw = _sloppy_1252_encode(text) if carrier == "cp1252" else _cp1258_carrier(text)
        if raw is None or raw.isascii():
            continue
        for label, cand in _readings(raw, carrier):
            if cand == nfc:
                continue
            cand_counts = _analyse(cand)
            cand_score = _score(cand_counts)
            # Unless the cell had a non-Vietnamese word, a repair must produce a
            # Vietnamese word of two letters or more: a stray symbol is not
            # evidence enough ("£100" would read as TCVN3 "Ê100").
            if cand_score > best_score and (cand_counts[4] > 0 or counts[2] > 0):
                best, best_label, best_counts, best_score = cand, label, cand_counts, cand_score
    if best_label == "tcvn3":
        best = restore_tcvn3_case(best)
    return best, best_label, best_counts


def repair_text(s: str) -> tuple[str, str | None]:
    """Repair a cell decoded with the wrong code page.

    Tries the cell's characters as cp1252/latin-1 (and as cp1258) bytes read back as
    UTF-8 ('mojibake'), VNI ('vni'), TCVN3 ('tcvn3') and Windows-1258 ('cp1258'),
    and keeps the reading that looks most Vietnamese (:func:`vietnamese_score`) if it
    beats the cell as it is. Returns (NFC text, repair or None). ASCII text and text
    whose non-ASCII words are all Vietnamese syllables are never changed (beyond NFC).
    """
    if s.isascii():
        return s, None
    text, label, _ = _repair(s)
    return text, label


def _column_reading(text: str, label: str) -> str | None:
    """``text`` read through ``label`` with the cp1252 carrier, if that looks clean."""
    raw = _sloppy_1252_encode(text)
    if raw is None or raw.isascii():
        return None
    if label == "vni":
        cand = decode_vni(raw)
    elif label == "tcvn3":
        cand = decode_tcvn3(raw, restore_case=True)
    else:
        try:
            cand = decode_cp1258(raw)
        except UnicodeDecodeError:
            return None
    _good, _common, bad, junk, _longer = _analyse(cand)
    return cand if bad == 0 and junk == 0 else None


# A Han ideograph (Polars' regex): no carrier holds it (cp1252/latin-1 bytes, cp1258, either form), so a cell with
# one is no mojibake nor legacy text (``_repair`` tries nothing and returns its NFC form, no repair), and being a
# letter outside Vietnamese it makes a word that is no syllable (``_analyse`` counts it bad: never clean Unicode for
# the column context). ``repair_column`` gives such cells that result without reading them: junk cells of
# thousands of CJK characters cost a few ms each to read (tests/test_encodings_uncarried.py checks both agree).
_UNCARRIED = r"\p{Han}"


def repair_column(series: pl.Series, *, column_context: bool = True) -> pl.DataFrame:
    """Vectorised :func:`repair_text` for a string column: a frame with ``text``
    (repaired NFC text, null for null) and ``repair`` (the repair applied or null),
    same length and order as ``series``.

    Each distinct non-ASCII value is repaired once and the results are mapped back
    with a hash replace, so the cost grows with the number of distinct values.

    Some cells are ambiguous on their own: VNI "Hoà" is "Hồ", TCVN3 "Dòng" is
    "Dũng", TCVN3 "Thuû" (Thuỷ) also reads as VNI "Thủ". With ``column_context``
    (default), when at least five distinct values were repaired and 80 % of them
    one way (VNI, TCVN3 or cp1258, read through cp1252), and hardly any value is
    clean Vietnamese that cp1252 cannot hold (at most 1 % of the non-ASCII values
    may contain real ư, ơ, đ, ạ …), the column is taken to be entirely that
    encoding: every other non-ASCII value whose reading that way is clean
    Vietnamese is decoded that way too.
    """
    s = series.cast(pl.String) if series.dtype != pl.String else series
    uniq = s.drop_nulls().unique()
    non_ascii_values = uniq.filter(uniq.str.contains(r"[^\x00-\x7F]"))
    non_ascii = non_ascii_values.to_list()
    uncarried = set(non_ascii_values.filter(non_ascii_values.str.contains(_UNCARRIED)).to_list())

    results: dict[str, tuple[str, str | None]] = {}
    clean_unicode = 0
    for value in non_ascii:
        if value in uncarried:  # what _repair gives it, without reading it (see _UNCARRIED)
            results[value] = (_nfc(value), None)
            continue
        text, label, counts = _repair(value)
        results[value] = (text, label)
        if label is None and counts[2] == 0 and counts[3] == 0 and _sloppy_1252_encode(value) is None:
            clean_unicode += 1

    if column_context and results:
        labels = Counter(label for _, label in results.values() if label is not None)
        if labels:
            dominant, n = labels.most_common(1)[0]
            if (
                dominant in LEGACY
                and n >= 5
                and n >= 0.8 * sum(labels.values())
                and clean_unicode <= 0.01 * len(non_ascii)
            ):
                for value, (text, label) in results.items():
                    if label != dominant:
                        cand = _column_reading(value, dominant)
                        if cand is not None and cand != text:
                            results[value] = (cand, dominant)

    changed = {v: r for v, r in results.items() if r[0] != v or r[1] is not None}
    olds = list(changed)
    text_col = s.replace(olds, [changed[v][0] for v in olds]) if olds else s
    labelled = [v for v in olds if changed[v][1] is not None]
    repair_col = s.replace_strict(labelled, [changed[v][1] for v in labelled], default=None, return_dtype=pl.String)
    return pl.DataFrame({"text": text_col, "repair": repair_col})
