"""How one value of an act is written on paper: dates in words, upper-case surnames, labels.

The act stores codes and ISO dates; a document shows "le vingt novembre deux mille
vingt-six", "DIALLO", "Féminin", "Sénégal".  Each format is one small function of
the value and of what the data dictionary says about its field (its kind and code
list), in the document's language (set by the renderer with ``using_language``).
A value a format cannot read is printed as stored rather than refused: a printed
copy must never hide what the register holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale
from babel.dates import format_date

from common.acts.niu import niu_display
from common.i18n import amount_text, get_language, translator
from printdesigner import words

tr = translator("print")


@dataclass(frozen=True)
class FieldInfo:
    """What the dictionary says about a leaf; all optional (computed values have none)."""

    kind: str | None = None
    code_list: str | None = None
    name: str | None = None


def as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def as_time(value: object) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            return None
    return None


def _date_words(value: object, info: FieldInfo, article: bool) -> str:
    day = as_date(value)
    if day is None:
        return str(value)
    if get_language() == "fr":
        return words.date_in_words(day, article=article)
    return format_date(day, "d MMMM y", locale="en")


def _date_long(value: object, info: FieldInfo) -> str:
    day = as_date(value)
    if day is None:
        return str(value)
    lang = get_language()
    text = format_date(day, "d MMMM y", locale=lang)
    if lang == "fr" and day.day == 1:
        text = "1er" + text[1:]
    return text


def _date_short(value: object, info: FieldInfo) -> str:
    day = as_date(value)
    return day.strftime("%d/%m/%Y") if day else str(value)


def _time(value: object, info: FieldInfo) -> str:
    moment = as_time(value)
    if moment is None:
        return str(value)
    return f"{moment.hour} h {moment.minute:02d}" if get_language() == "fr" else \
        moment.strftime("%H:%M")


def _time_words(value: object, info: FieldInfo) -> str:
    moment = as_time(value)
    if moment is None:
        return str(value)
    return words.time_in_words(moment) if get_language() == "fr" else _time(value, info)


def _number_words(value: object, info: FieldInfo) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 999_999_999:
        return words.number_in_words(value) if get_language() == "fr" else str(value)
    return str(value)


def _year_words(value: object, info: FieldInfo) -> str:
    day = as_date(value)
    if day is None:
        return _number_words(value, info)
    return words.year_in_words(day.year) if get_language() == "fr" else str(day.year)


def code_label(code_list: str | None, code: object) -> str:
    """A code's label in the document's language; the code itself if unknown."""
    if code_list is None:
        return str(code)
    from common.acts.dictionary import code_label as dictionary_label

    try:
        return dictionary_label(code_list, str(code), get_language())
    except (KeyError, ValueError, LookupError):
        return str(code)


def country_name(code: object) -> str:
    text = str(code)
    return Locale.parse(get_language()).territories.get(text.upper(), text)


def _yes_no(value: object, info: FieldInfo) -> str:
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    return str(value)


def _money(value: object) -> str:
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return amount_text(value)
    return str(value)


def _auto(value: object, info: FieldInfo) -> str:
    kind = info.kind
    if kind == "date" or isinstance(value, dt.date):
        return _date_long(value, info)
    if kind == "time" or isinstance(value, dt.time):
        return _time(value, info)
    if kind == "code":
        return code_label(info.code_list, value)
    if kind == "country":
        return country_name(value)
    if kind == "niu":
        return niu_display(str(value))
    if kind == "bool" or isinstance(value, bool):
        return _yes_no(value, info)
    if kind == "name" and info.name == "surname":
        return str(value).upper()
    if isinstance(value, Decimal):
        return _money(value)
    return str(value)


FORMATTERS: dict[str, Callable[[object, FieldInfo], str]] = {
    "auto": _auto,
    "text": lambda v, i: str(v),
    "upper": lambda v, i: _auto(v, i).upper(),
    "title": lambda v, i: _auto(v, i).title(),
    "date_words": lambda v, i: _date_words(v, i, True),
    "date_words_bare": lambda v, i: _date_words(v, i, False),
    "date_long": _date_long,
    "date_short": _date_short,
    "time_words": _time_words,
    "time": _time,
    "number_words": _number_words,
    "year_words": _year_words,
    "code_label": lambda v, i: code_label(i.code_list, v),
    "country_name": lambda v, i: country_name(v),
    "yes_no": _yes_no,
}


def format_value(value: object, fmt: str, info: FieldInfo = FieldInfo()) -> str:
    """One value written with ``fmt`` (a name of ``model.FORMATS``); '' for no value."""
    if value is None or value == "":
        return ""
    return FORMATTERS.get(fmt, _auto)(value, info)
