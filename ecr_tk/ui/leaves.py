"""One input per leaf ``Kind`` of the data dictionary: how a value is typed and read back.

The form generator (``actform``) asks ``leaf_input(field)`` for the widget of a
leaf and never looks at the kind itself.  Each input turns what is on screen
into the act JSON value (``"2026-03-01"``, ``3150``, ``True``, ``"SN"``) and back,
and refuses at the keyboard what can never be right (a letter in a number, an
impossible date).  Rules that need the rest of the act are the validator's job.
"""

from __future__ import annotations

import datetime as dt
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import Any, ClassVar

from common.acts.model import Field, Kind
from common.i18n import translator
from ecr_tk.ui.dates import DateField, DateTextError, TimeField
from ecr_tk.ui.widgets import ChoiceBox, country_choices, yes_no_choices

tr = translator("ui")

_COUNTRY_CACHE: dict[str, list[tuple[str, str]]] = {}


class LeafInput:
    """The on-screen input of one leaf.  ``focus_widget`` is what Tab reaches."""

    def __init__(self, master: tk.Misc, field: Field) -> None:
        self.field = field
        self.frame = ttk.Frame(master)
        self.on_refused: Callable[[str], None] | None = None
        self.focus_widget: tk.Widget = self._build(self.frame)

    def _build(self, master: tk.Misc) -> tk.Widget:
        raise NotImplementedError

    def get(self) -> Any:
        """The JSON value, ``None`` when empty; ``DateTextError`` when unreadable."""
        raise NotImplementedError

    def set(self, value: Any) -> None:
        raise NotImplementedError

    def text(self) -> str:
        """What is on screen (for tests and the autosave of unreadable values)."""
        widget = self.focus_widget
        return str(widget.get()) if hasattr(widget, "get") else ""

    def mark_invalid(self, invalid: bool) -> None:
        widget = self.focus_widget
        if isinstance(widget, ttk.Combobox):
            widget.configure(style="Invalid.TCombobox" if invalid else "TCombobox")
        elif isinstance(widget, ttk.Entry):
            widget.configure(style="Invalid.TEntry" if invalid else "TEntry")

    def pending_refusal(self) -> str | None:
        """Why a key was just refused, while the clerk has not corrected it yet."""
        return None

    def choosing(self) -> bool:
        """Whether the input's own drop-down (list, calendar) is open.

        The focus is then in the drop-down: the clerk is choosing, not leaving the field.
        """
        return False

    def _refused(self, reason: str) -> None:
        if self.on_refused is not None:
            self.on_refused(reason)


class TextInput(LeafInput):
    """Free text and names (any script), ICD-10 and area codes: one line."""

    WIDTHS: ClassVar[dict[Kind, int]] = {Kind.NAME: 30, Kind.TEXT: 34, Kind.ICD10: 8, Kind.AREA: 14}

    def _build(self, master: tk.Misc) -> tk.Widget:
        self.entry = ttk.Entry(master, width=self.WIDTHS.get(self.field.kind, 32))
        if self.field.max_length:
            limit = self.field.max_length
            self.entry.configure(validate="key", validatecommand=(
                self.entry.register(lambda proposed: self._within(proposed, limit)), "%P"))
        self.entry.pack(side="left")
        return self.entry

    def _within(self, proposed: str, limit: int) -> bool:
        if len(proposed) <= limit:
            return True
        self._refused(tr("At most {n} characters", n=limit))
        return False

    def get(self) -> Any:
        text = " ".join(self.entry.get().split())
        if not text:
            return None
        return text.upper() if self.field.kind is Kind.ICD10 else text

    def set(self, value: Any) -> None:
        self.entry.delete(0, "end")
        if value is not None:
            self.entry.insert(0, str(value))


class NiuInput(TextInput):
    """A link to another act by its NIU; the form shows the linked act's summary below."""

    def _build(self, master: tk.Misc) -> tk.Widget:
        self.entry = ttk.Entry(master, width=26)
        self.entry.configure(validate="key", validatecommand=(
            self.entry.register(self._digits), "%P"))
        self.entry.pack(side="top", anchor="w")
        self.summary = ttk.Label(master, text="", style="Muted.TLabel", wraplength=300,
                                 justify="left")
        self.summary.pack(side="top", anchor="w")
        return self.entry

    def _digits(self, proposed: str) -> bool:
        compact = proposed.replace(" ", "")
        if compact == "" or (compact.isdigit() and len(compact) <= 19):
            return True
        self._refused(tr("A NIU is made of 19 digits"))
        return False

    def get(self) -> Any:
        return self.entry.get().replace(" ", "") or None

    def show_summary(self, text: str, *, tone: str = "Muted") -> None:
        self.summary.configure(text=text, style=f"{tone}.TLabel")


class IntInput(LeafInput):
    """A whole number: only digits can be typed."""

    def _build(self, master: tk.Misc) -> tk.Widget:
        self.entry = ttk.Entry(master, width=8, justify="right")
        self.entry.configure(validate="key", validatecommand=(
            self.entry.register(self._digits), "%P"))
        self.entry.pack(side="left")
        return self.entry

    def _digits(self, proposed: str) -> bool:
        if proposed == "" or (proposed.isdigit() and len(proposed) <= 7):
            return True
        self._refused(tr("Type digits only"))
        return False

    def get(self) -> Any:
        text = self.entry.get().strip()
        return int(text) if text else None

    def set(self, value: Any) -> None:
        self.entry.delete(0, "end")
        if value is not None:
            self.entry.insert(0, str(value))


class DateInput(LeafInput):
    def _build(self, master: tk.Misc) -> tk.Widget:
        self.date = DateField(master, max_date=dt.date.today())
        self.date.pack(side="left")
        self.date.entry.on_refused = self._refused
        return self.date.entry

    def get(self) -> Any:
        value = self.date.get_date()
        return value.isoformat() if value else None

    def set(self, value: Any) -> None:
        try:
            self.date.set_date(value)
        except ValueError:  # a stored value that is not a date: show it, the validator says why
            self.date.entry.set_text(str(value))

    def pending_refusal(self) -> str | None:
        return self.date.entry.blocked

    def choosing(self) -> bool:
        return self.date.calendar_open()


class TimeInput(LeafInput):
    def _build(self, master: tk.Misc) -> tk.Widget:
        self.time = TimeField(master)
        self.time.pack(side="left")
        self.time.entry.on_refused = self._refused
        return self.time.entry

    def get(self) -> Any:
        return self.time.get_time()

    def set(self, value: Any) -> None:
        self.time.set_time(None if value is None else str(value))

    def pending_refusal(self) -> str | None:
        return self.time.entry.blocked


class ChoiceInput(LeafInput):
    """Code lists, countries and yes/no: a dropdown of labels, storing keys."""

    def _build(self, master: tk.Misc) -> tk.Widget:
        self.box = ChoiceBox(master, self._choices(), width=self._width())
        self.box.pack(side="left")
        return self.box

    def _choices(self) -> list[tuple[str, str]]:
        from common.acts.dictionary import CODE_LISTS

        assert self.field.code_list is not None
        return [(c.key, c.label()) for c in CODE_LISTS[self.field.code_list].codes]

    def _width(self) -> int:
        longest = max((len(label) for _k, label in self.box_choices()), default=10)
        return max(12, min(34, longest + 2))

    def box_choices(self) -> list[tuple[str, str]]:
        return self._choices()

    def get(self) -> Any:
        return self.box.get_key()

    def choosing(self) -> bool:
        return self.box.list_open()

    def set(self, value: Any) -> None:
        self.box.set_key(None if value is None else str(value))

    def text(self) -> str:
        return str(self.box.get())


class CountryInput(ChoiceInput):
    def _choices(self) -> list[tuple[str, str]]:
        from common.i18n import get_language

        lang = get_language()
        if lang not in _COUNTRY_CACHE:
            _COUNTRY_CACHE[lang] = country_choices()
        return _COUNTRY_CACHE[lang]

    def _width(self) -> int:
        return 30


class BoolInput(ChoiceInput):
    """Yes / No / nothing said: a checkbox could not say "not stated"."""

    def _choices(self) -> list[tuple[str, str]]:
        return yes_no_choices()

    def _width(self) -> int:
        return 8

    def get(self) -> Any:
        key = self.box.get_key()
        return None if key is None else key == "true"

    def set(self, value: Any) -> None:
        self.box.set_key(None if value is None else ("true" if value else "false"))


_INPUTS: dict[Kind, type[LeafInput]] = {
    Kind.TEXT: TextInput,
    Kind.NAME: TextInput,
    Kind.ICD10: TextInput,
    Kind.AREA: TextInput,
    Kind.NIU: NiuInput,
    Kind.INT: IntInput,
    Kind.DATE: DateInput,
    Kind.TIME: TimeInput,
    Kind.CODE: ChoiceInput,
    Kind.COUNTRY: CountryInput,
    Kind.BOOL: BoolInput,
}


def leaf_input(master: tk.Misc, field: Field) -> LeafInput:
    """The input for ``field``; a kind added to the dictionary later falls back to text."""
    return _INPUTS.get(field.kind, TextInput)(master, field)


__all__ = ["DateTextError", "LeafInput", "NiuInput", "leaf_input"]
