"""NIU: format, check digits, and detection of every single typing error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.acts.errors import InvalidNiu
from common.acts.niu import Niu, check_digits, make_niu, parse_niu

centres = st.from_regex(r"[0-9]{6}", fullmatch=True)
years = st.integers(min_value=1000, max_value=9999)
serials = st.integers(min_value=1, max_value=9_999_999)


def test_a_niu_has_the_fixed_layout_shared_with_the_database() -> None:
    # The PL/pgSQL implementation is tested against these same literals.
    niu = make_niu("123456", 2026, 123)
    assert niu.value == "1234562026000012390"
    assert niu.display == "123456 2026 0000123 90"
    assert (niu.centre, niu.year, niu.serial, niu.check) == ("123456", 2026, 123, "90")
    assert str(niu) == niu.value
    assert make_niu("000001", 2019, 1).value == "0000012019000000113"
    assert check_digits("00000120190000001") == "13"


@given(centres, years, serials)
def test_every_made_niu_parses_back_from_its_display_form(
    centre: str, year: int, serial: int
) -> None:
    niu = make_niu(centre, year, serial)
    assert len(niu.value) == 19
    assert int(niu.value) % 97 == 1
    assert parse_niu(niu.display) == niu
    assert parse_niu(niu.display.replace(" ", "-")) == niu
    assert parse_niu(f"  {niu.value} ") == niu


@given(centres, years, serials, st.integers(0, 18), st.integers(1, 9))
def test_any_single_digit_substitution_is_refused(
    centre: str, year: int, serial: int, position: int, delta: int
) -> None:
    digits = list(make_niu(centre, year, serial).value)
    digits[position] = str((int(digits[position]) + delta) % 10)
    with pytest.raises(InvalidNiu) as err:
        parse_niu("".join(digits))
    assert err.value.rule == "niu_check_digits"


@given(centres, years, serials, st.integers(0, 17))
def test_any_adjacent_transposition_is_refused(
    centre: str, year: int, serial: int, position: int
) -> None:
    digits = list(make_niu(centre, year, serial).value)
    if digits[position] == digits[position + 1]:
        return  # swapping equal digits changes nothing
    digits[position], digits[position + 1] = digits[position + 1], digits[position]
    with pytest.raises(InvalidNiu) as err:
        parse_niu("".join(digits))
    assert err.value.rule == "niu_check_digits"


def test_exhaustively_every_substitution_and_transposition_of_one_niu_is_refused() -> None:
    value = make_niu("987654", 2031, 4_567_890).value
    for i in range(19):
        for d in "0123456789":
            if d != value[i]:
                with pytest.raises(InvalidNiu):
                    parse_niu(value[:i] + d + value[i + 1 :])
        if i < 18 and value[i] != value[i + 1]:
            with pytest.raises(InvalidNiu):
                parse_niu(value[:i] + value[i + 1] + value[i] + value[i + 2 :])


@pytest.mark.parametrize(
    "text",
    ["", "123", "12345620260000123900", "1234562026000012A90", "١٢٣٤٥٦٢٠٢٦٠٠٠٠١٢٣٩٠",
     "123456.2026.0000123.90", 1234562026000012390, None],
)  # fmt: skip
def test_malformed_nius_are_refused_with_the_format_rule(text: object) -> None:
    with pytest.raises(InvalidNiu) as err:
        parse_niu(text)
    assert err.value.rule == "niu_format"
    assert err.value.field == "niu"


@pytest.mark.parametrize(
    ("centre", "year", "serial"),
    [("12345", 2026, 1), ("12345a", 2026, 1), ("123456", 999, 1), ("123456", 2026, 0),
     ("123456", 2026, 10_000_000)],
)  # fmt: skip
def test_make_niu_refuses_parts_out_of_range(centre: str, year: int, serial: int) -> None:
    with pytest.raises(InvalidNiu):
        make_niu(centre, year, serial)


def test_a_niu_value_cannot_be_built_invalid_by_hand() -> None:
    with pytest.raises(ValueError):
        Niu("1234562026000012391")
