"""The NIU, unique identification number of an act, unique across all centres
without any coordination because it contains the centre's code.

Format (fixed: the database implements the same in PL/pgSQL, keep them equal)::

    CCCCCC YYYY SSSSSSS KK      19 digits
    centre year serial  check

* ``CCCCCC`` the centre code (6 digits), ``YYYY`` the year the act was verified,
  ``SSSSSSS`` the serial within that centre and year (1…9,999,999, zero-padded);
* ``KK`` = ISO 7064 MOD 97-10 check digits over the first 17 digits:
  ``98 - (int(digits17) * 100) % 97``, written on two digits; so a valid NIU,
  read as an integer, is ≡ 1 (mod 97).  Every single-digit substitution and every
  transposition of two adjacent digits is detected.

The canonical form is the 19 digits; the display form ``"123456 2026 0000123 47"``
is read aloud group by group.  Parsing accepts spaces and hyphens anywhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from common.acts.errors import InvalidNiu
from common.i18n import translator

tr = translator("acts")

NIU_LENGTH = 19
SERIAL_MAX = 9_999_999
NIU_FORMAT = re.compile(r"[0-9]{19}")
_SEPARATORS = str.maketrans("", "", " -\u00a0\u202f\u2009\u2010\u2011\t")


def niu_problem(value: str) -> str | None:
    """The rule a canonical NIU breaks (``niu_format``, ``niu_check_digits``) or ``None``."""
    if not NIU_FORMAT.fullmatch(value):
        return "niu_format"
    if int(value) % 97 != 1:
        return "niu_check_digits"
    return None


def check_digits(digits17: str) -> str:
    """The two ISO 7064 MOD 97-10 check digits of 17 digits."""
    return f"{98 - (int(digits17) * 100) % 97:02d}"


@dataclass(frozen=True, order=True)
class Niu:
    """A valid NIU (build it with ``make_niu`` or ``parse_niu``, never by hand)."""

    value: str  # the 19 canonical digits

    def __post_init__(self) -> None:
        if niu_problem(self.value) is not None:
            raise ValueError(f"not a valid NIU: {self.value!r}")

    @property
    def centre(self) -> str:
        return self.value[:6]

    @property
    def year(self) -> int:
        return int(self.value[6:10])

    @property
    def serial(self) -> int:
        return int(self.value[10:17])

    @property
    def check(self) -> str:
        return self.value[17:]

    @property
    def display(self) -> str:
        """Groups read aloud: ``"123456 2026 0000123 47"``."""
        return niu_display(self.value)

    def __str__(self) -> str:
        return self.value


def niu_display(value: str) -> str:
    """A NIU as people read it, on screen and on paper: ``"123456 2026 0000123 47"``.

    The groups are the NIU's parts (centre, year, serial, check digits), so a
    clerk reading one aloud says where and when the act was verified.  The one
    formatter of the screens, the printed documents and ``Niu.display``; text
    that is not 19 digits is returned as it is (a copy shows what the register
    holds).
    """
    if not NIU_FORMAT.fullmatch(value):
        return value
    return f"{value[:6]} {value[6:10]} {value[10:17]} {value[17:]}"


def make_niu(centre: str, year: int, serial: int) -> Niu:
    """The NIU of the ``serial``-th act verified by ``centre`` in ``year``."""
    if not (isinstance(centre, str) and re.fullmatch(r"[0-9]{6}", centre)):
        raise InvalidNiu(tr("The centre code must be 6 digits, not {value}", value=repr(centre)),
                         field="niu", rule="niu_format")  # fmt: skip
    if not 1000 <= year <= 9999:
        raise InvalidNiu(tr("The NIU year must have 4 digits, not {value}", value=year),
                         field="niu", rule="niu_format")  # fmt: skip
    if not 1 <= serial <= SERIAL_MAX:
        raise InvalidNiu(
            tr("The NIU serial must be between 1 and {high}, not {value}",
               high=SERIAL_MAX, value=serial),
            field="niu", rule="niu_format",
        )  # fmt: skip
    digits17 = f"{centre}{year:04d}{serial:07d}"
    return Niu(digits17 + check_digits(digits17))


def parse_niu(text: object, *, field: str = "niu") -> Niu:
    """A NIU typed or scanned by a person: spaces and hyphens are ignored.

    Raises ``InvalidNiu`` with rule ``niu_format`` (not 19 digits) or
    ``niu_check_digits`` (a digit mistyped or two digits swapped).
    """
    if not isinstance(text, str):
        raise InvalidNiu(tr("A NIU must be written as text"), field=field, rule="niu_format")
    compact = text.strip().translate(_SEPARATORS)
    problem = niu_problem(compact)
    if problem == "niu_format":
        raise InvalidNiu(
            tr("A NIU has 19 digits (centre, year, serial, check), not {value}",
               value=repr(text)),
            field=field, rule="niu_format",
        )  # fmt: skip
    if problem == "niu_check_digits":
        raise InvalidNiu(
            tr("The NIU {value} is wrong: its check digits do not match (a digit is mistyped)",
               value=text.strip()),
            field=field, rule="niu_check_digits",
        )  # fmt: skip
    return Niu(compact)
