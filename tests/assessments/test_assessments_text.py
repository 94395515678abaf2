"""Text normalisation shared by short-answer grading and search."""

import unicodedata

import pytest

from assessments import fold_diacritics, normalise_answer


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn Đức", "Nguyen Van Duc"),
        ("đường", "duong"),
        ("ĐÀ NẴNG", "DA NANG"),
        (unicodedata.normalize("NFD", "Thừa Thiên Huế"), "Thua Thien Hue"),
        ("Phở bò 30.000đ", "Pho bo 30.000d"),
        ("ASCII stays", "ASCII stays"),
        ("", ""),
    ],
)
def test_fold_diacritics(text, folded):
    assert fold_diacritics(text) == folded


@pytest.mark.parametrize(
    ("text", "ignore", "expected"),
    [
        ("  Hà   Nội ", False, "hà nội"),
        (unicodedata.normalize("NFD", "HÀ NỘI"), False, "hà nội"),
        ("Hà\tNội\n", False, "hà nội"),
        ("HÀ NỘI", True, "ha noi"),
        ("Straße", False, "strasse"),
        ("   ", False, ""),
    ],
)
def test_normalise_answer(text, ignore, expected):
    assert normalise_answer(text, ignore_diacritics=ignore) == expected


def test_normalised_answers_are_nfc():
    result = normalise_answer(unicodedata.normalize("NFD", "Thủ Đô"))
    assert unicodedata.is_normalized("NFC", result)
    assert result == "thủ đô"
