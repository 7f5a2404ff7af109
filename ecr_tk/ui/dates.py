"""Date and time entry: typed (jj/mm/aaaa, hh:mm) or picked from a tkcalendar calendar.

An impossible date cannot be typed: every keystroke is checked against the
calendar (day 1–31, month 1–12, no 31 April, no 30 February, no 29 February in a
year that is not leap) and a key that would make the date impossible is refused,
with the reason shown next to the field.  An incomplete date ("12/05/20") is
reported when the field is left and the form refuses to save it.

Why not one ``tkcalendar.DateEntry`` per field: each DateEntry builds its own
hidden calendar (≈ 55 ms here) and re-styles every other DateEntry when it is
created, so a marriage form with forty dates took seconds to open.  Here every
date field shares ONE tkcalendar ``Calendar``, built the first time a calendar is
opened; typing never needs it.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import re
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk

from common.i18n import get_language, translator

tr = translator("ui")

DATE_FORMAT = "%d/%m/%Y"
_DATE_PARTIAL = re.compile(r"^(\d{0,2})(?:/(\d{0,2})(?:/(\d{0,4}))?)?$")
_TIME_PARTIAL = re.compile(r"^(\d{0,2})(?::(\d{0,2}))?$")


class DateTextError(ValueError):
    """The text of a date field is not a complete, real date; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def format_date(value: dt.date | None) -> str:
    return "" if value is None else value.strftime(DATE_FORMAT)


def date_hint() -> str:
    """The typing pattern shown to the user: "jj/mm/aaaa" in French."""
    return tr("dd/mm/yyyy")


def refusal_of_partial_date(text: str) -> str | None:
    """Why ``text`` cannot be the beginning of a real date, or ``None`` if it can."""
    text = text.strip()
    m = _DATE_PARTIAL.match(text)
    if m is None:
        return tr("Type the date as {pattern}", pattern=date_hint())
    day_s, month_s, year_s = m.group(1), m.group(2), m.group(3)
    if month_s is not None and not day_s:
        return tr("Type the day first")
    day_complete = len(day_s) == 2 or month_s is not None
    if day_complete and not 1 <= int(day_s) <= 31:
        return tr("There is no day {day} in a month", day=day_s)
    if year_s is not None and not month_s:
        return tr("Type the month before the year")
    month_complete = bool(month_s) and (len(month_s) == 2 or year_s is not None)
    if month_complete and not 1 <= int(month_s) <= 12:
        return tr("There is no month {month}", month=month_s)
    # a single month digit from 2 to 9 can only be that month ("31/4" is April)
    month = int(month_s) if month_complete or (month_s and month_s > "1") else None
    if day_complete and month is not None:
        longest = 29 if month == 2 else _calendar.monthrange(2001, month)[1]
        if int(day_s) > longest:
            return tr("There is no {day}/{month}: that month has {days} days",
                      day=day_s, month=month_s, days=longest)
    if year_s and len(year_s) == 4:
        year = int(year_s)
        if year < 1:
            return tr("There is no year {year}", year=year_s)
        if day_complete and int(day_s) == 29 and month == 2 and not _calendar.isleap(year):
            return tr("29 February {year} does not exist: {year} is not a leap year", year=year)
    return None


def parse_date_text(text: str) -> dt.date | None:
    """The date a complete text means; ``None`` for an empty text."""
    text = text.strip()
    if not text:
        return None
    reason = refusal_of_partial_date(text)
    if reason:
        raise DateTextError(reason)
    m = _DATE_PARTIAL.match(text)
    assert m is not None
    day_s, month_s, year_s = m.group(1), m.group(2), m.group(3)
    if not day_s or not month_s or not year_s or len(year_s) != 4:
        raise DateTextError(tr("Incomplete date: type it as {pattern}", pattern=date_hint()))
    try:
        return dt.date(int(year_s), int(month_s), int(day_s))
    except ValueError as exc:  # the partial check should have caught it; never a traceback
        raise DateTextError(tr("This date does not exist")) from exc


def refusal_of_partial_time(text: str) -> str | None:
    m = _TIME_PARTIAL.match(text.strip())
    if m is None:
        return tr("Type the time as hh:mm")
    hour_s, minute_s = m.group(1), m.group(2)
    if hour_s and (len(hour_s) == 2 or minute_s is not None) and int(hour_s) > 23:
        return tr("There is no hour {hour}", hour=hour_s)
    if minute_s is not None and not hour_s:
        return tr("Type the hour first")
    if minute_s and int(minute_s[0]) > 5:
        return tr("Minutes go from 00 to 59")
    return None


def parse_time_text(text: str) -> str | None:
    """``"hh:mm"`` (the act JSON form) for a complete text; ``None`` when empty."""
    text = text.strip()
    if not text:
        return None
    reason = refusal_of_partial_time(text)
    if reason:
        raise DateTextError(reason)
    m = _TIME_PARTIAL.match(text)
    assert m is not None
    hour_s, minute_s = m.group(1), m.group(2)
    if not hour_s or minute_s is None or len(minute_s) != 2:
        raise DateTextError(tr("Incomplete time: type it as hh:mm"))
    return f"{int(hour_s):02d}:{minute_s}"


class MaskedEntry(ttk.Entry):
    """An entry that refuses keystrokes ``refusal(text)`` objects to, and adds separators.

    ``on_refused(reason)`` is told why a key was refused (the form shows it next
    to the field); ``separator`` is appended after ``auto_after`` digit groups.

    After a refused key, every further key is refused too until the clerk deletes
    something: otherwise the digits typed on after the mistake slid into the
    wrong places ("31042025" became "31/05/" and then a real but wrong
    31/05/2025 when the year was typed again; issue 13, bug 4).
    """

    def __init__(self, master: tk.Misc, *, refusal: Callable[[str], str | None],
                 separator: str, groups: tuple[int, ...], width: int, **kw: object) -> None:
        super().__init__(master, width=width, **kw)  # type: ignore[arg-type]
        self._refusal = refusal
        self._separator = separator
        self._groups = groups
        self.on_refused: Callable[[str], None] | None = None
        #: Why the last key was refused, until something is deleted (see above).
        self.blocked: str | None = None
        self.configure(validate="key",
                       validatecommand=(self.register(self._check), "%d", "%P", "%S", "%i"))

    def _check(self, action: str, proposed: str, inserted: str, index: str) -> bool:
        if action != "1":  # deletions are always allowed, and end a refusal
            self.blocked = None
            return True
        if self.blocked is not None:
            self.bell()
            if self.on_refused is not None:
                self.on_refused(tr("{reason}. Delete the wrong digit (Backspace) before "
                                   "typing on", reason=self.blocked.rstrip(".")))
            return False
        cleaned = proposed.replace("-", self._separator).replace(".", self._separator)
        if cleaned != proposed:
            self.after_idle(self._replace_text, cleaned)
            return False
        if inserted == self._separator and self._separator * 2 in proposed:
            return False  # the separator was already added for the clerk: a typed one is a no-op
        reason = self._refusal(proposed)
        if reason is not None:
            self.blocked = reason
            self.bell()
            if self.on_refused is not None:
                self.on_refused(reason)
            return False
        if inserted.isdigit() and int(index) + len(inserted) == len(proposed):
            parts = proposed.split(self._separator)
            groups = self._groups
            if len(parts) <= len(groups) and len(parts[-1]) == groups[len(parts) - 1]:
                self.after_idle(self._append_separator, proposed)
        return True

    def _append_separator(self, expected: str) -> None:
        if self.get() == expected:
            self.insert("end", self._separator)
            self.icursor("end")

    def set_text(self, text: str) -> None:
        """Show ``text`` as it is (a stored value), without checking it key by key."""
        self.configure(validate="none")
        self.delete(0, "end")
        self.insert(0, text)
        self.configure(validate="key")
        self.blocked = None

    def _replace_text(self, text: str) -> None:
        self.delete(0, "end")
        self.insert(0, text)
        self.icursor("end")


class DateField(ttk.Frame):
    """A date: typed as jj/mm/aaaa, or picked in the shared drop-down calendar (Alt+↓, F4)."""

    def __init__(self, master: tk.Misc, *, max_date: dt.date | None = None,
                 hint: bool = True) -> None:
        super().__init__(master)
        self.max_date = max_date
        self.entry = MaskedEntry(self, refusal=refusal_of_partial_date, separator="/",
                                 groups=(2, 2), width=11)
        self.entry.pack(side="left")
        self.button = ttk.Button(self, text="▾", width=2, takefocus=0, style="Small.TButton",
                                 command=self.open_calendar)
        self.button.pack(side="left", padx=(1, 0))
        if hint:
            ttk.Label(self, text=date_hint(), style="Muted.TLabel").pack(side="left", padx=(6, 0))
        for sequence in ("<Alt-Down>", "<F4>"):
            self.entry.bind(sequence, lambda _e: (self.open_calendar(), "break")[1])

    def get_date(self) -> dt.date | None:
        """The date typed, ``None`` if empty; raises ``DateTextError`` if incomplete."""
        return parse_date_text(self.entry.get())

    def set_date(self, value: dt.date | str | None) -> None:
        if isinstance(value, str):
            value = dt.date.fromisoformat(value) if value else None
        self.entry.set_text(format_date(value))

    def open_calendar(self) -> None:
        CalendarPopup.for_root(self).open_for(self)

    def calendar_open(self) -> bool:
        """Whether the drop-down calendar is open for this field."""
        popup = CalendarPopup.opened(self)
        return popup is not None and popup.target is self


class TimeField(ttk.Frame):
    """A time of day, typed as hh:mm (24-hour clock)."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master)
        self.entry = MaskedEntry(self, refusal=refusal_of_partial_time, separator=":",
                                 groups=(2,), width=6)
        self.entry.pack(side="left")
        ttk.Label(self, text=tr("hh:mm"), style="Muted.TLabel").pack(side="left", padx=(6, 0))

    def get_time(self) -> str | None:
        return parse_time_text(self.entry.get())

    def set_time(self, value: str | None) -> None:
        self.entry.set_text(value or "")


class CalendarPopup:
    """The one drop-down calendar of an application (tkcalendar), built on first use."""

    _ATTR = "_ecr_calendar_popup"

    @classmethod
    def for_root(cls, widget: tk.Misc) -> CalendarPopup:
        root = widget.winfo_toplevel()
        popup = getattr(root, cls._ATTR, None)
        if popup is None or not popup.top.winfo_exists():
            popup = cls(root)
            setattr(root, cls._ATTR, popup)
        return popup

    @classmethod
    def opened(cls, widget: tk.Misc) -> CalendarPopup | None:
        """The application's calendar when it is on screen (never builds it)."""
        popup = getattr(widget.winfo_toplevel(), cls._ATTR, None)
        if popup is None or not popup.top.winfo_exists():
            return None
        return popup if str(popup.top.wm_state()) != "withdrawn" else None

    def __init__(self, root: tk.Misc) -> None:
        from tkcalendar import Calendar  # imported on first use: start-up time matters

        self.top = tk.Toplevel(root)
        self.top.withdraw()
        self.top.overrideredirect(True)
        self.target: DateField | None = None
        locale = "en_GB" if get_language() == "en" else "fr_FR"
        self.calendar = Calendar(self.top, selectmode="day", locale=locale,
                                 date_pattern="dd/mm/yyyy", firstweekday="monday",
                                 showweeknumbers=False)
        self.calendar.pack()
        self.calendar.bind("<<CalendarSelected>>", self._picked)
        self.top.bind("<Escape>", lambda _e: self.close())
        self.calendar.bind("<FocusOut>", lambda _e: self.top.after(50, self._close_if_unfocused))

    def open_for(self, field: DateField) -> None:
        self.target = field
        try:
            current = field.get_date()
        except DateTextError:
            current = None
        shown = current or dt.date.today()
        self.calendar.configure(maxdate=field.max_date)
        self.calendar.selection_set(shown)
        self.calendar.see(shown)
        x = field.entry.winfo_rootx()
        y = field.entry.winfo_rooty() + field.entry.winfo_height()
        self.top.geometry(f"+{x}+{y}")
        self.top.deiconify()
        self.top.lift()
        self.calendar.focus_set()

    def _picked(self, _event: object = None) -> None:
        picked = self.calendar.selection_get()
        if self.target is not None and picked is not None:
            self.target.set_date(picked)
            self.target.entry.focus_set()
            self.target.entry.event_generate("<<DatePicked>>")
        self.close()

    def _close_if_unfocused(self) -> None:
        focus = self.top.focus_get()
        if focus is None or not str(focus).startswith(str(self.top)):
            self.close()

    def close(self) -> None:
        self.top.withdraw()
