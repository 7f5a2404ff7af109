"""Numbers, dates and times written out in French words, as civil-status acts write them.

An act says "le vingt novembre deux mille vingt-six, à dix heures trente minutes":
figures can be altered with a stroke of the pen, words cannot.  The rules are the
traditional ones still used by registrars (not the optional 1990 spelling reform):

* hyphens join the parts below one hundred ("dix-sept", "quatre-vingt-dix"), never
  around "cent" or "mille" ("deux cent trois", "mille un");
* "et" joins 1 to the tens 20–60 and 11 to 60 ("vingt et un", "soixante et onze"),
  but not to 80 ("quatre-vingt-un", "quatre-vingt-onze");
* "vingt" and "cent" take an "s" when multiplied and ending the number
  ("quatre-vingts", "deux cents") but not when followed ("quatre-vingt-deux",
  "deux cent un") nor before "mille" ("quatre-vingt mille", "deux cent mille");
* "mille" never varies and is never preceded by "un" ("mille neuf cent", "deux mille");
* the first day of a month is "premier" ("le premier janvier").

Pure functions of the standard library: no I/O, no locale, no translation layer
(these words are the document's language, not the interface's).
"""

from __future__ import annotations

import datetime as dt

_UNITS = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
    "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize",
    "dix-sept", "dix-huit", "dix-neuf",
)  # fmt: skip
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def _below_100(n: int, *, final: bool) -> str:
    """0–99; ``final`` tells whether nothing follows (for "quatre-vingts")."""
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in _TENS:
        if unit == 0:
            return _TENS[tens]
        if unit == 1:
            return f"{_TENS[tens]} et un"
        return f"{_TENS[tens]}-{_UNITS[unit]}"
    if tens == 7:  # soixante-dix … soixante-dix-neuf
        rest = n - 60
        return "soixante et onze" if rest == 11 else f"soixante-{_UNITS[rest]}"
    # 80–99: quatre-vingt(s), never "et"
    rest = n - 80
    if rest == 0:
        return "quatre-vingts" if final else "quatre-vingt"
    return f"quatre-vingt-{_UNITS[rest]}"


def _below_1000(n: int, *, final: bool) -> str:
    hundreds, rest = divmod(n, 100)
    if hundreds == 0:
        return _below_100(rest, final=final)
    if hundreds == 1:
        head = "cent"
    else:
        head = f"{_UNITS[hundreds]} cent"
        if rest == 0 and final:
            head += "s"
    return head if rest == 0 else f"{head} {_below_100(rest, final=final)}"


def number_in_words(n: int) -> str:
    """A whole number from 0 to 999 999 999 in French words."""
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError("number_in_words takes an int")
    if n < 0 or n > 999_999_999:
        raise ValueError(f"number out of range for words: {n}")
    if n == 0:
        return _UNITS[0]
    millions, rest = divmod(n, 1_000_000)
    thousands, units = divmod(rest, 1000)
    parts: list[str] = []
    if millions:
        head = _below_1000(millions, final=False)
        parts.append(f"{head} million" if millions == 1 else f"{head} millions")
    if thousands:
        # "cent" and "vingt" before "mille" stay singular: not final.
        parts.append("mille" if thousands == 1 else f"{_below_1000(thousands, final=False)} mille")
    if units:
        parts.append(_below_1000(units, final=True))
    return " ".join(parts)


def ordinal_day(day: int) -> str:
    """The day of a month as an act writes it: "premier", then cardinals."""
    if not 1 <= day <= 31:
        raise ValueError(f"day of month out of range: {day}")
    return "premier" if day == 1 else number_in_words(day)


def year_in_words(year: int) -> str:
    """Years 0–9999: "mille neuf cent quatre-vingt-dix-neuf", "deux mille vingt-six"."""
    if not 0 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    return number_in_words(year)


def date_in_words(day: dt.date, *, article: bool = True) -> str:
    """ "le vingt novembre deux mille vingt-six"; without the article with ``article=False``."""
    text = f"{ordinal_day(day.day)} {MONTHS_FR[day.month - 1]} {year_in_words(day.year)}"
    return f"le {text}" if article else text


def time_in_words(moment: dt.time) -> str:
    """ "dix heures trente minutes", "une heure", "zéro heure cinq minutes"."""
    hour = "une heure" if moment.hour == 1 else (
        "zéro heure" if moment.hour == 0 else f"{_feminine(number_in_words(moment.hour))} heures"
    )
    if moment.minute == 0:
        return hour
    minutes = _feminine(number_in_words(moment.minute))
    return f"{hour} {minutes} minute" if moment.minute == 1 else f"{hour} {minutes} minutes"


def _feminine(words: str) -> str:
    """ "vingt et une heures": "un" agrees with a feminine noun."""
    if words == "un":
        return "une"
    return words[:-len(" et un")] + " et une" if words.endswith(" et un") else words
