"""Legacy Vietnamese encodings: TCVN3, VNI-Windows, cp1258, mojibake, detection, repair."""

import unicodedata

import polars as pl
import pytest

from pipelines import encodings as enc
from pipelines.encodings import (
    TCVN3_CASE_LOST,
    VIETNAMESE_LETTERS,
    decode_bytes,
    decode_cp1258,
    decode_tcvn3,
    decode_vni,
    detect_encoding,
    encode_cp1258,
    encode_tcvn3,
    encode_vni,
    make_mojibake,
    repair_column,
    repair_mojibake,
    repair_text,
    restore_tcvn3_case,
    vietnamese_score,
)

TONES = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")  # grave acute tilde hook dot


def nfc(s):
    return unicodedata.normalize("NFC", s)


def all_letters():
    """Every Vietnamese letter outside ASCII, built from Unicode, not from the module."""
    lower = {nfc(base + tone) for base in "aăâeêioôơuưy" for tone in TONES} | {"đ"}
    lower -= set("aeiouy")
    return lower | {c.upper() for c in lower}


LETTERS = sorted(all_letters())
# Every letter in a word, in both cases, plus ordinary names and punctuation.
CORPUS = " ".join(f"{c}n {c}" for c in LETTERS) + ", Nguyễn Thị Minh Khai; Đường Số 7 (Quận 1)."

LINES = [
    "Nguyễn Thị Minh Khai, Phường Đa Kao, Quận 1, Thành phố Hồ Chí Minh",
    "Trần Văn Ơn, 12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
    "Lê Thị Hồng Gấm, 45/7 Nguyễn Trãi, Phường 2, Quận 5",
    "Phạm Quốc Việt, Ấp 3, Xã Bình Mỹ, Huyện Củ Chi",
    "Hoàng Thị Ánh Tuyết, 89 Điện Biên Phủ, Phường 15, Quận Bình Thạnh",
    "Huỳnh Đức Thắng, 102 Phạm Văn Đồng, Phường Linh Tây, Thành phố Thủ Đức",
    "Võ Thị Sáu, Khu phố 4, Phường Tân Định, Quận 1",
    "Đặng Ngọc Ẩn, Tổ 7, Ấp Đông, Xã Phước Kiển, Huyện Nhà Bè",
    "Bùi Thị Xuân, 234 Cách Mạng Tháng Tám, Phường 10, Quận 3",
    "Đỗ Mười, Hẻm 51 Lý Thường Kiệt, Phường 7, Quận 10",
    "Hồ Văn Huê, Phường 9, Quận Phú Nhuận, Thành phố Hồ Chí Minh",
    "Ngô Thị Thu Hương, 17 Quang Trung, Phường 11, Quận Gò Vấp",
    "Dương Văn Dương, Phường Tân Quý, Quận Tân Phú",
    "Lý Tự Trọng, Phường Bến Thành, Quận 1",
    "Đinh Tiên Hoàng, Phường Đa Kao, Quận 1",
    "Trương Định, Phường 6, Quận 3, TP.HCM",
    "Phan Xích Long, Phường 2, Quận Phú Nhuận",
    "Mai Thị Lựu, Xã Tân Thạnh Đông, Huyện Củ Chi",
    "Nguyễn Hữu Cảnh, Phường 22, Quận Bình Thạnh",
    "Lương Định Của, Phường An Khánh, Thành phố Thủ Đức",
    "Tôn Đức Thắng, Phường Bến Nghé, Quận 1",
    "Ung Văn Khiêm, Phường 25, Quận Bình Thạnh",
    "Trần Hưng Đạo, Phường Cầu Ông Lãnh, Quận 1",
    "Âu Cơ, Phường 14, Quận Tân Bình",
    "Ông Ích Khiêm, Phường 5, Quận 11",
    "Thị trấn Dĩ An, Huyện Dĩ An, Tỉnh Bình Dương",
    "Phường Thắng Nhất, Thành phố Vũng Tàu, Tỉnh Bà Rịa - Vũng Tàu",
    "NGUYỄN VĂN CỪ, PHƯỜNG NGUYỄN CƯ TRINH, QUẬN 1",
]

CLEAN_NON_VIETNAMESE = [
    "Hello, World",
    "123 Main St., Apt. 4B",
    "Café au lait",
    "José Müller",
    "François Hollande",
    "São Paulo",
    "Ångström",
    "naïve résumé",
    "Señor Núñez",
    "Crème brûlée",
    "Straße",
    "Øresund",
    "£100",
    "©2020 Acme",
    "50°C",
    "½ cup",
    "¿Qué? ¡Hola!",
    "Łódź",
    "Москва",
    "東京都",
    "Café — “quoted”",
]


# --------------------------------------------------------------------------- tables


def test_tables_cover_every_vietnamese_letter():
    assert len(LETTERS) == 134
    assert set(VIETNAMESE_LETTERS) == set(LETTERS)
    assert set(enc._VNI_ENCODE) == set(LETTERS)
    assert {c.lower() for c in LETTERS} <= set(enc._TCVN3_BYTES)


def test_tcvn3_bytes_match_the_public_tables():
    # Bytes as listed by libiconv tcvn.h and UniKey's TCVN3 table.
    assert encode_tcvn3("đ") == b"\xae"
    assert encode_tcvn3("Đ") == b"\xa7"
    assert encode_tcvn3("ĂÂÊÔƠƯĐăâêôơưđ") == bytes(range(0xA1, 0xAF))
    assert encode_tcvn3("àảãáạ") == bytes([0xB5, 0xB6, 0xB7, 0xB8, 0xB9])
    assert encode_tcvn3("ỳỷỹýỵ") == bytes([0xFA, 0xFB, 0xFC, 0xFD, 0xFE])
    assert encode_tcvn3("ặ") == b"\xc6"
    assert encode_tcvn3("Nguyễn") == b"Nguy\xd4n"
    assert encode_tcvn3("Phường") == b"Ph\xad\xeang"  # ư is the soft hyphen byte
    # What a TCVN3 file looks like when opened as cp1252 ("Thµnh phè Hå ChÝ Minh").
    assert encode_tcvn3("Thành phố Hồ Chí Minh").decode("cp1252") == "Thµnh phè Hå ChÝ Minh"
    assert len(set(enc._TCVN3_BYTES.values())) == len(enc._TCVN3_BYTES) == 74


def test_vni_bytes_match_the_public_tables():
    assert encode_vni("Nguyễn") == b"Nguye\xe3n"  # "Nguyeãn"
    assert encode_vni("Xin chào các bạn").decode("cp1252") == "Xin chaøo caùc baïn"
    assert encode_vni("à á ả ã ạ").decode("cp1252") == "aø aù aû aõ aï"
    assert encode_vni("đ Đ ơ Ơ ư Ư").decode("cp1252") == "ñ Ñ ô Ô ö Ö"
    assert encode_vni("Đường").decode("cp1252") == "Ñöôøng"
    assert encode_vni("ì í ỉ ĩ ị ỵ Ỵ").decode("cp1252") == "ì í æ ó ò î Î"
    # UniKey's VNI-WIN words (base | tone << 8): Ặ = 0xCB41, ẳ = 0xFA61, Ẵ = 0xDC41, Ớ = 0xD9D4.
    assert encode_vni("Ặ ẳ Ẵ Ớ") == b"A\xcb a\xfa A\xdc \xd4\xd9"
    assert encode_vni("À") == b"A\xd8"


# --------------------------------------------------------------------------- round trips


def test_vni_round_trip_every_letter():
    for letter in LETTERS:
        assert decode_vni(encode_vni(letter)) == letter
    assert decode_vni(encode_vni(CORPUS)) == CORPUS
    for line in LINES:
        assert decode_vni(encode_vni(line)) == line


def test_vni_decode_accepts_caps_lock_mixtures():
    assert decode_vni("NGUYEãN".encode("cp1252")) == "NGUYỄN"
    assert decode_vni("Aù aÙ".encode("cp1252")) == "Á á"


def test_tcvn3_round_trip_loses_exactly_the_toned_capitals():
    toned_capitals = {
        c for c in LETTERS if c.isupper() and any(t in unicodedata.normalize("NFD", c) for t in TONES[1:])
    }
    assert TCVN3_CASE_LOST == toned_capitals
    assert len(TCVN3_CASE_LOST) == 60
    lost = set()
    for letter in LETTERS:
        back = decode_tcvn3(encode_tcvn3(letter))
        if back != letter:
            assert back == letter.lower()
            lost.add(letter)
    assert lost == TCVN3_CASE_LOST
    # Ă Â Ê Ô Ơ Ư Đ have bytes of their own and keep their case.
    assert decode_tcvn3(encode_tcvn3("ĂÂÊÔƠƯĐ")) == "ĂÂÊÔƠƯĐ"
    expected = "".join(c.lower() if c in TCVN3_CASE_LOST else c for c in CORPUS)
    assert decode_tcvn3(encode_tcvn3(CORPUS)) == expected


def test_tcvn3_restore_case():
    assert decode_tcvn3(encode_tcvn3("NGUYỄN VĂN CỪ")) == "NGUYễN VĂN Cừ"
    assert decode_tcvn3(encode_tcvn3("NGUYỄN VĂN CỪ"), restore_case=True) == "NGUYỄN VĂN CỪ"
    assert restore_tcvn3_case("Nguyễn Thị ánh") == "Nguyễn Thị Ánh"
    assert restore_tcvn3_case("Đặng Ngọc ẩn, Tổ 7, ấp Đông") == "Đặng Ngọc Ẩn, Tổ 7, Ấp Đông"
    assert restore_tcvn3_case("Ông NGUYễN Văn") == "Ông NGUYỄN Văn"
    # No evidence: left alone.
    assert restore_tcvn3_case("ấp 3") == "ấp 3"
    assert restore_tcvn3_case("xã ấp Bình") == "xã ấp Bình"
    assert restore_tcvn3_case("ông ích khiêm") == "ông ích khiêm"
    for line in LINES:
        assert decode_tcvn3(encode_tcvn3(line), restore_case=True) == line


def test_tcvn3_keeps_cp1252_symbols_and_rejects_what_it_cannot_hold():
    assert decode_tcvn3(encode_tcvn3("“BÀ” – số 5")) == "“Bà” – số 5"
    assert encode_tcvn3("“x”") == b"\x93x\x94"
    with pytest.raises(UnicodeEncodeError):
        encode_tcvn3("©")  # 0xA9 is â in TCVN3
    with pytest.raises(UnicodeEncodeError):
        encode_tcvn3("東")


def test_tcvn3_decodes_vn1_capitals_and_combining_marks():
    assert decode_tcvn3(b"\xc4") == "Ấ"  # TCVN 5712 VN1 capital in a .VnTime gap
    assert decode_tcvn3(b"a\xb3") == "á"  # combining acute, normalised to NFC


def test_vni_rejects_characters_that_would_read_back_as_letters():
    with pytest.raises(UnicodeEncodeError):
        encode_vni("København ø")
    with pytest.raises(UnicodeEncodeError):
        encode_vni("Señor")  # ñ is đ in VNI
    assert encode_vni("€ “x”") == "€ “x”".encode("cp1252")


def test_cp1258_round_trip_and_decomposition():
    for precomposed in (True, False):
        for letter in LETTERS:
            assert decode_cp1258(encode_cp1258(letter, precomposed=precomposed)) == letter
        assert decode_cp1258(encode_cp1258(CORPUS, precomposed=precomposed)) == CORPUS
    raw = encode_cp1258("Nguyễn")
    assert raw == b"Nguy\xea\xden"  # ê + combining tilde
    assert raw.decode("cp1258") != "Nguyễn"  # Python's codec leaves it decomposed
    assert len(raw.decode("cp1258")) == 7 and decode_cp1258(raw) == "Nguyễn"
    assert encode_cp1258("Ấ") == b"\xc2\xec"
    assert encode_cp1258("ợ") == b"\xf5\xf2"
    assert encode_cp1258("à") == b"\xe0"
    assert encode_cp1258("à", precomposed=False) == b"a\xcc"
    assert encode_cp1258("₫") == b"\xfe"


def test_cp1258_raises_a_clear_error():
    with pytest.raises(UnicodeEncodeError, match=r"U\+2713.*Windows-1258") as err:
        encode_cp1258("Trần ✓")
    assert err.value.start == 5
    with pytest.raises(UnicodeEncodeError, match="U\\+015F"):
        encode_cp1258("ş")


# --------------------------------------------------------------------------- mojibake


def test_mojibake_round_trip():
    assert make_mojibake("Nguyễn") == "Nguyá»…n"
    assert "\x90" in make_mojibake("Đ")  # 0x90 is undefined in cp1252: kept as C1 control
    for text in [CORPUS, *LINES]:
        assert repair_mojibake(make_mojibake(text)) == text
        latin1 = text.encode("utf-8").decode("latin-1")
        assert repair_mojibake(latin1) == text
        assert repair_mojibake(make_mojibake(make_mojibake(text))) == text  # twice


def test_mojibake_repair_leaves_clean_text_alone():
    for text in [*LINES, *CLEAN_NON_VIETNAMESE, "", "Hoà", "ASCII only"]:
        assert repair_mojibake(text) == nfc(text)


# --------------------------------------------------------------------------- detection

ENCODERS = {
    "utf-8": lambda s: s.encode("utf-8"),
    "utf-8-sig": lambda s: s.encode("utf-8-sig"),
    **{name: codec.encode for name, codec in enc.LEGACY_CODECS.items()},  # every legacy encoding declared
}


@pytest.mark.parametrize("encoding", list(ENCODERS))
def test_detect_encoding_of_a_file(encoding):
    text = "".join(line + "\r\n" for line in LINES)
    data = ENCODERS[encoding](text)
    assert detect_encoding(data) == encoding
    expected = decode_tcvn3(encode_tcvn3(text)) if encoding == "tcvn3" else text
    assert decode_bytes(data) == expected


@pytest.mark.parametrize("encoding", ["utf-8", *enc.LEGACY])
def test_detect_encoding_of_single_lines(encoding):
    for line in LINES:
        assert detect_encoding(ENCODERS[encoding](line)) == encoding, line


def test_detect_encoding_decomposed_cp1258_and_sampling():
    text = "".join(line + "\n" for line in LINES) * 50
    assert detect_encoding(encode_cp1258(text, precomposed=False)) == "cp1258"
    assert detect_encoding(encode_vni(text), sample_size=1000) == "vni"
    assert detect_encoding(text.encode("utf-8"), sample_size=1001) == "utf-8"  # sample may cut a letter
    assert detect_encoding(b"plain ascii") == "utf-8"


def test_detect_utf16_without_byte_order_mark():
    text = "".join(line + "\r\n" for line in LINES)
    for codec in ("utf-16-le", "utf-16-be"):
        data = text.encode(codec)
        assert detect_encoding(data) == codec
        assert decode_bytes(data) == text
    for legacy in ("cp1258", "vni", "tcvn3"):  # single-byte text has no NUL: never taken for UTF-16
        assert detect_encoding(ENCODERS[legacy](text)) == legacy


def test_a_utf8_file_with_a_few_legacy_lines_is_utf8():
    """Most non-ASCII lines valid UTF-8, one cp1258 line appended by another system: the file is UTF-8 (the
    reader reports the bad line); read as cp1258 instead, every UTF-8 letter of the other lines was garbled."""
    utf8 = "".join(line + "\n" for line in LINES).encode("utf-8")
    for legacy in ("cp1258", "vni", "tcvn3"):
        assert detect_encoding(utf8 + ENCODERS[legacy](LINES[0] + "\n")) == "utf-8"
        legacy_file = ENCODERS[legacy]("".join(line + "\n" for line in LINES))
        assert detect_encoding(legacy_file + "Nguyễn Văn An\n".encode()) == legacy  # the mirror case: legacy


def test_vietnamese_score_separates_clean_from_garbled():
    for line in LINES:
        clean = vietnamese_score(line)
        assert clean > 0
        assert vietnamese_score(encode_vni(line).decode("cp1252")) < clean
        assert vietnamese_score(encode_tcvn3(line).decode("cp1252")) < clean
        assert vietnamese_score(make_mojibake(line)) < clean


def test_syllable_rules():
    valid = "nguyễn thị phường quận đường số hoà hòa thuỷ thủy khuỷu ngoài giữ gì quốc quỳnh huỳnh người rượu đắk"
    # Wrong letters, two tones, tone on the wrong vowel, "quo", bad rhyme, k/ng spelling, stop without sắc/nặng.
    invalid = "nguyeãn thò̀ phôì hôì quoác cá̉ thuû êng kàng ngé tat bảt"
    for w in valid.split():
        assert enc._check_syllable(nfc(w)), w
    for w in invalid.split():
        assert not enc._check_syllable(nfc(w)), w


# --------------------------------------------------------------------------- repair


MIS_DECODINGS = {
    "vni": lambda s: encode_vni(s).decode("cp1252"),
    "vni-latin1": lambda s: encode_vni(s).decode("latin-1"),
    "vni-cp1258": lambda s: encode_vni(s).decode("cp1258", errors="replace"),
    "tcvn3": lambda s: encode_tcvn3(s).decode("cp1252"),
    "mojibake": make_mojibake,
    "mojibake-latin1": lambda s: s.encode("utf-8").decode("latin-1"),
    "cp1258": lambda s: encode_cp1258(s).decode("cp1252", errors="replace"),
}


@pytest.mark.parametrize("kind", list(MIS_DECODINGS))
def test_repair_text_on_mis_decoded_lines(kind):
    label = kind.split("-")[0]
    for line in LINES:
        garbled = MIS_DECODINGS[kind](line)
        assert garbled != line
        assert repair_text(garbled) == (line, label), garbled


def test_repair_text_known_cells():
    assert repair_text("Nguyeãn Thò Minh Khai") == ("Nguyễn Thị Minh Khai", "vni")
    assert repair_text("NguyÔn ThÞ Minh Khai") == ("Nguyễn Thị Minh Khai", "tcvn3")
    assert repair_text("Ph\xadêng §a Kao") == ("Phường Đa Kao", "tcvn3")
    assert repair_text("Nguyá»…n") == ("Nguyễn", "mojibake")
    assert repair_text("NguyêÞn") == ("Nguyễn", "cp1258")
    assert repair_text("PHÖÔØNG") == ("PHƯỜNG", "vni")


def test_repair_text_leaves_clean_text_alone():
    for text in [*LINES, *CLEAN_NON_VIETNAMESE, "", "Phú Hòa", "Bùi Văn Ánh", "Thủy", "Thuỷ", "Đắk Lắk"]:
        assert repair_text(text) == (text, None), text
    # Decomposed Unicode is normalised, not "repaired".
    nfd = unicodedata.normalize("NFD", LINES[0])
    assert repair_text(nfd) == (LINES[0], None)


def test_repair_text_ambiguous_cells_stay_as_they_are():
    # VNI "Hoà" is "Hồ" and TCVN3 "Dòng" is "Dũng", but both are Vietnamese as they stand.
    assert repair_text("Hoà") == ("Hoà", None)
    assert repair_text("Dòng") == ("Dòng", None)


# --------------------------------------------------------------------------- repair_column


def test_repair_column_keeps_order_length_and_nulls():
    vni = encode_vni("Nguyễn Văn Ân").decode("cp1252")
    tcvn = encode_tcvn3("Phường Đa Kao").decode("cp1252")
    values = [vni, None, "Hello", vni, "Quận 1", tcvn, None, make_mojibake("Lê Lợi"), "Hello", vni]
    out = repair_column(pl.Series("name", values))
    assert out.columns == ["text", "repair"]
    assert out.schema == {"text": pl.String, "repair": pl.String}
    assert out.height == len(values)
    nva = "Nguyễn Văn Ân"
    assert out["text"].to_list() == [nva, None, "Hello", nva, "Quận 1", "Phường Đa Kao", None, "Lê Lợi", "Hello", nva]
    assert out["repair"].to_list() == ["vni", None, None, "vni", None, "tcvn3", None, "mojibake", None, "vni"]


def test_repair_column_repairs_each_distinct_value_once(monkeypatch):
    calls = []
    real = enc._repair
    monkeypatch.setattr(enc, "_repair", lambda v: calls.append(v) or real(v))
    garbled = [encode_vni(line).decode("cp1252") for line in LINES[:5]]
    series = pl.Series([*garbled * 1000, "ascii", None] * 3)
    out = repair_column(series)
    assert sorted(calls) == sorted(garbled)  # ASCII and nulls never reach Python
    assert out["text"].to_list()[:5] == LINES[:5]
    assert out.height == series.len()


def test_repair_column_uses_the_column_to_settle_ambiguous_cells():
    names = ["Nguyễn Thị Hồng", "Trần Văn Ơn", "Lê Thị Ánh", "Phạm Văn Đồng", "Võ Thị Sáu", "Hồ Văn Huê"]
    vni = [encode_vni(n).decode("cp1252") for n in names] + ["Hoà", "Thò"]  # VNI for "Hồ", "Thị"
    out = repair_column(pl.Series(vni))
    assert out["text"].to_list() == [*names, "Hồ", "Thị"]
    assert out["repair"].to_list() == ["vni"] * 8
    # Same cells next to clean Unicode Vietnamese: no column-wide assumption.
    mixed = pl.Series([*vni, *(f"{n} Đường" for n in names)])
    out = repair_column(mixed)
    assert out["text"].to_list()[6:8] == ["Hoà", "Thò"]
    assert repair_column(pl.Series(vni), column_context=False)["text"].to_list()[6:] == ["Hoà", "Thò"]


def test_repair_column_tcvn3_column_settles_ties():
    names = ["Nguyễn Thị Hồng", "Trần Văn Ơn", "Lê Thị Ánh", "Phạm Văn Đồng", "Võ Thị Sáu", "Cao Thuỷ"]
    cells = [encode_tcvn3(n).decode("cp1252") for n in names]
    assert repair_text(cells[-1]) == ("Cao Thủ", "vni")  # on its own it reads as VNI
    assert repair_column(pl.Series(cells))["text"].to_list() == names


def test_repair_column_edge_cases():
    empty = repair_column(pl.Series("x", [], dtype=pl.String))
    assert empty.height == 0 and empty.columns == ["text", "repair"]
    nulls = repair_column(pl.Series([None, None], dtype=pl.String))
    assert nulls["text"].to_list() == [None, None] and nulls["repair"].to_list() == [None, None]
    cat = repair_column(pl.Series([encode_vni("Quận Gò Vấp").decode("cp1252")] * 2, dtype=pl.Categorical))
    assert cat["text"].to_list() == ["Quận Gò Vấp"] * 2
    clean = repair_column(pl.Series(LINES + CLEAN_NON_VIETNAMESE))
    assert clean["text"].to_list() == LINES + CLEAN_NON_VIETNAMESE
    assert clean["repair"].null_count() == clean.height
