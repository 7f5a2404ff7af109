"""French numbers, dates and times in words, as registrars write them."""

from __future__ import annotations

import datetime as dt

import pytest

from printdesigner.words import (
    date_in_words,
    number_in_words,
    ordinal_day,
    time_in_words,
    year_in_words,
)

NUMBERS = [
    (0, "zéro"), (1, "un"), (10, "dix"), (11, "onze"), (16, "seize"), (17, "dix-sept"),
    (19, "dix-neuf"), (20, "vingt"), (21, "vingt et un"), (22, "vingt-deux"),
    (30, "trente"), (31, "trente et un"), (41, "quarante et un"), (51, "cinquante et un"),
    (60, "soixante"), (61, "soixante et un"), (69, "soixante-neuf"), (70, "soixante-dix"),
    (71, "soixante et onze"), (72, "soixante-douze"), (77, "soixante-dix-sept"),
    (79, "soixante-dix-neuf"), (80, "quatre-vingts"), (81, "quatre-vingt-un"),
    (88, "quatre-vingt-huit"), (90, "quatre-vingt-dix"), (91, "quatre-vingt-onze"),
    (99, "quatre-vingt-dix-neuf"), (100, "cent"), (101, "cent un"),
    (121, "cent vingt et un"), (180, "cent quatre-vingts"), (181, "cent quatre-vingt-un"),
    (200, "deux cents"), (201, "deux cent un"), (280, "deux cent quatre-vingts"),
    (999, "neuf cent quatre-vingt-dix-neuf"), (1000, "mille"), (1001, "mille un"),
    (1080, "mille quatre-vingts"), (1100, "mille cent"), (1200, "mille deux cents"),
    (1789, "mille sept cent quatre-vingt-neuf"), (1900, "mille neuf cents"),
    (1960, "mille neuf cent soixante"), (1971, "mille neuf cent soixante et onze"),
    (1999, "mille neuf cent quatre-vingt-dix-neuf"), (2000, "deux mille"),
    (2001, "deux mille un"), (2021, "deux mille vingt et un"),
    (2026, "deux mille vingt-six"), (2080, "deux mille quatre-vingts"),
    (9999, "neuf mille neuf cent quatre-vingt-dix-neuf"), (21000, "vingt et un mille"),
    (80000, "quatre-vingt mille"), (200000, "deux cent mille"),
    (1_000_000, "un million"), (2_000_000, "deux millions"),
]  # fmt: skip


@pytest.mark.parametrize(("value", "words"), NUMBERS)
def test_numbers_follow_the_traditional_french_rules(value: int, words: str) -> None:
    assert number_in_words(value) == words


_VALUES = {
    "zéro": 0, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40,
    "cinquante": 50, "soixante": 60,
}  # fmt: skip


def _read_back(words: str) -> int:
    """An independent reader of French number words (sums and multipliers)."""
    total, current = 0, 0
    for word in words.replace("-", " ").split():
        if word == "et":
            continue
        if word in ("cent", "cents"):
            current = (current or 1) * 100
        elif word == "mille":
            total += (current or 1) * 1000
            current = 0
        else:
            value = _VALUES[word]
            # "quatre vingt": a multiplied twenty
            if value == 20 and current % 100 == 4:
                current += 76
            else:
                current += value
    return total + current


def test_every_year_from_0_to_9999_reads_back_and_keeps_the_spelling_rules() -> None:
    seen: set[str] = set()
    for year in range(10000):
        words = year_in_words(year)
        assert _read_back(words) == year, (year, words)
        assert words not in seen
        seen.add(words)
        assert not words.startswith("un mille") and not words.startswith("un cent")
        assert "cent-" not in words and "-cent" not in words and "mille-" not in words
        if year % 100 == 80 and year % 1000 != 0:
            assert words.endswith("quatre-vingts"), words
        if " et " in words:
            assert words.split(" et ")[1].split(" ")[0].split("-")[0] in ("un", "onze")
            assert "quatre-vingt et" not in words
        if year >= 200 and year % 100 == 0 and (year // 100) % 10 > 1:
            assert words.endswith("cents"), words


def test_a_year_outside_0_to_9999_is_refused() -> None:
    with pytest.raises(ValueError):
        year_in_words(10000)
    with pytest.raises(ValueError):
        year_in_words(-1)


DATES = [
    (dt.date(2026, 11, 20), "le vingt novembre deux mille vingt-six"),
    (dt.date(2026, 1, 1), "le premier janvier deux mille vingt-six"),
    (dt.date(1971, 8, 31), "le trente et un août mille neuf cent soixante et onze"),
    (dt.date(1980, 2, 21), "le vingt et un février mille neuf cent quatre-vingts"),
    (dt.date(2000, 12, 11), "le onze décembre deux mille"),
]


@pytest.mark.parametrize(("day", "words"), DATES)
def test_dates_are_written_as_on_civil_status_documents(day: dt.date, words: str) -> None:
    assert date_in_words(day) == words


def test_the_first_day_of_a_month_is_premier_and_others_are_cardinals() -> None:
    assert ordinal_day(1) == "premier"
    assert ordinal_day(2) == "deux"
    assert ordinal_day(31) == "trente et un"


TIMES = [
    (dt.time(0, 0), "zéro heure"), (dt.time(1, 0), "une heure"),
    (dt.time(10, 30), "dix heures trente minutes"), (dt.time(14, 1), "quatorze heures une minute"),
    (dt.time(21, 21), "vingt et une heures vingt et une minutes"),
    (dt.time(23, 59), "vingt-trois heures cinquante-neuf minutes"),
]  # fmt: skip


@pytest.mark.parametrize(("moment", "words"), TIMES)
def test_times_agree_with_the_feminine_heure_and_minute(moment: dt.time, words: str) -> None:
    assert time_in_words(moment) == words
