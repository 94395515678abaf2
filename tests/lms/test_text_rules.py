"""The text rules: NFC storage, diacritic folding, phone numbers, safe redirects."""

import unicodedata

import pytest

from lms.core.text import clean_line, normalise_phone, search_key
from lms.core.urls import safe_next


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912 345 678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0084912345678", "+84912345678"),
        ("(091) 234-5678", "+84912345678"),
        ("02438123456", "+842438123456"),
        ("12345", None),
        ("09123456789012", None),
        ("abc", None),
        ("", None),
    ],
)
def test_phone_numbers_are_normalised_to_one_form(raw, expected):
    assert normalise_phone(raw) == expected


def test_names_are_stored_nfc_with_spaces_collapsed():
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Thị  Lan ")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    assert clean_line(decomposed) == "Nguyễn Thị Lan"
    assert unicodedata.is_normalized("NFC", clean_line(decomposed))


@pytest.mark.parametrize(
    ("text", "key"),
    [("Kỹ năng số", "ky nang so"), ("ĐƯỜNG Đi", "duong di"), ("Nguyễn", "nguyen")],
)
def test_search_key_folds_case_and_diacritics(text, key):
    assert search_key(text) == key
    assert search_key(unicodedata.normalize("NFD", text)) == key


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/hoc-tap-cua-toi", "/hoc-tap-cua-toi"),
        ("/khoa-hoc?q=a", "/khoa-hoc?q=a"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        (None, "/"),
    ],
)
def test_only_local_paths_are_followed_after_sign_in(target, expected):
    assert safe_next(target, "/") == expected
