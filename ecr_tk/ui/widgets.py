"""Widgets shared by the views: scrollable page, message bar, code-list dropdowns.

Nothing here knows about acts, users or the database: these are the bricks the
views and the form generator are built from.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence
from tkinter import ttk

from common.i18n import get_language, translator

tr = translator("ui")


class ScrollableFrame(ttk.Frame):
    """A vertically scrolling page; put children in ``.body``.

    The page follows the keyboard: when Tab moves the focus to a field out of
    sight, the page scrolls to show it (a clerk never types into a hidden field).
    """

    def __init__(self, master: tk.Misc, **kw: object) -> None:
        super().__init__(master, **kw)  # type: ignore[arg-type]
        self.canvas = tk.Canvas(self, highlightthickness=0, borderwidth=0,
                                background=ttk.Style(self).lookup("TFrame", "background"))
        self.scrollbar = ttk.Scrollbar(self, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(yscrollcommand=self.scrollbar.set)
        self.scrollbar.pack(side="right", fill="y")
        self.canvas.pack(side="left", fill="both", expand=True)
        self.body = ttk.Frame(self.canvas, padding=(12, 8))
        self._window = self.canvas.create_window(0, 0, window=self.body, anchor="nw")
        self.body.bind("<Configure>", self._on_body_configure)
        self.canvas.bind("<Configure>", self._on_canvas_configure)
        self.bind_all_under(self.body)

    def bind_all_under(self, widget: tk.Misc) -> None:
        """Mouse wheel anywhere over the page scrolls it (X11 buttons 4/5 and Windows wheel)."""
        toplevel = widget.winfo_toplevel()
        tag = f"scroll{id(self)}"
        self._wheel_tag = tag
        toplevel.bind_class(tag, "<MouseWheel>",
                            lambda e: self.canvas.yview_scroll(int(-e.delta / 120), "units"))
        toplevel.bind_class(tag, "<Button-4>", lambda _e: self.canvas.yview_scroll(-3, "units"))
        toplevel.bind_class(tag, "<Button-5>", lambda _e: self.canvas.yview_scroll(3, "units"))

    def adopt(self, widget: tk.Misc) -> None:
        """Let ``widget`` scroll the page with the wheel and be followed when focused."""
        widget.bindtags((*widget.bindtags(), self._wheel_tag))
        widget.bind("<FocusIn>", lambda _e: self.show_widget(widget), add="+")

    def show_widget(self, widget: tk.Misc) -> None:
        """Scroll so that ``widget`` is in sight, with a margin."""
        self.update_idletasks()
        body_height = max(1, self.body.winfo_height())
        view_height = self.canvas.winfo_height()
        top = widget.winfo_rooty() - self.body.winfo_rooty()
        bottom = top + widget.winfo_height()
        first, last = self.canvas.yview()
        visible_top, visible_bottom = first * body_height, last * body_height
        margin = 40
        if top - margin < visible_top:
            self.canvas.yview_moveto(max(0.0, (top - margin) / body_height))
        elif bottom + margin > visible_bottom:
            self.canvas.yview_moveto(max(0.0, (bottom + margin - view_height) / body_height))

    def scroll_to_top(self) -> None:
        self.canvas.yview_moveto(0.0)

    def _on_body_configure(self, _event: object) -> None:
        self.canvas.configure(scrollregion=self.canvas.bbox("all"))

    def _on_canvas_configure(self, event: tk.Event) -> None:  # type: ignore[type-arg]
        self.canvas.itemconfigure(self._window, width=event.width)


class MessageBar(ttk.Frame):
    """A one-line banner at the top of a view: an error (red) or a confirmation (green)."""

    def __init__(self, master: tk.Misc) -> None:
        super().__init__(master, style="Message.TFrame", padding=(10, 6))
        self.label = ttk.Label(self, style="Message.TLabel", wraplength=700, justify="left")
        self.label.pack(side="left", fill="x", expand=True)
        self.close = ttk.Button(self, text="×", width=2, takefocus=0, command=self.clear)
        self.close.pack(side="right")
        self._packed = False
        self._pack_options: dict[str, object] = {}

    def place_in(self, **pack_options: object) -> None:
        """Remember where the bar goes; it is shown only when it has something to say."""
        self._pack_options = pack_options

    def error(self, text: str) -> None:
        self._show(text, "Message")

    def info(self, text: str) -> None:
        self._show(text, "Info")

    @property
    def text(self) -> str:
        return str(self.label.cget("text")) if self._packed else ""

    def _show(self, text: str, tone: str) -> None:
        self.configure(style=f"{tone}.TFrame")
        self.label.configure(style=f"{tone}.TLabel", text=text)
        if not self._packed:
            self.pack(**self._pack_options)  # type: ignore[arg-type]
            self._packed = True

    def clear(self) -> None:
        if self._packed:
            self.pack_forget()
            self._packed = False
        self.label.configure(text="")


class ChoiceBox(ttk.Combobox):
    """A read-only dropdown of ``(key, label)`` choices; ``key`` is what the code stores.

    The first entry is blank (nothing chosen).  Typing a letter jumps to the next
    choice whose label starts with it, as in a list on paper.
    """

    def __init__(self, master: tk.Misc, choices: Sequence[tuple[str, str]], *,
                 blank: bool = True, width: int = 30) -> None:
        self.choices = list(choices)
        labels = ([""] if blank else []) + [label for _key, label in self.choices]
        super().__init__(master, values=labels, state="readonly", width=width)
        self._blank = blank
        self.bind("<KeyPress>", self._type_ahead)
        # the wheel must scroll the page, not change the value under the pointer
        self.bind("<MouseWheel>", lambda _e: "break")
        self.bind("<Button-4>", lambda _e: "break")
        self.bind("<Button-5>", lambda _e: "break")

    def get_key(self) -> str | None:
        index = self.current()
        if index < 0:
            return None
        if self._blank:
            return None if index == 0 else self.choices[index - 1][0]
        return self.choices[index][0]

    def set_key(self, key: str | None) -> None:
        if key is None:
            self.set("")
            return
        for i, (k, _label) in enumerate(self.choices):
            if k == key:
                self.current(i + (1 if self._blank else 0))
                return
        self.set(str(key))  # a key the list lacks is shown as it is, never dropped

    def list_open(self) -> bool:
        """Whether the list is dropped down (the focus is then in the list, not elsewhere)."""
        popdown = f"{self}.popdown"  # ttk's own list window, made on the first opening
        return bool(self.tk.call("winfo", "exists", popdown)) and (
            str(self.tk.call("wm", "state", popdown)) != "withdrawn")

    def _type_ahead(self, event: tk.Event) -> str | None:  # type: ignore[type-arg]
        char = (event.char or "").lower()
        if not char or not char.isprintable() or char.isspace():
            return None
        labels = list(self.cget("values"))
        start = self.current() + 1
        order = list(range(start, len(labels))) + list(range(start))
        for i in order:
            if str(labels[i]).lower().startswith(char):
                self.current(i)
                self.event_generate("<<ComboboxSelected>>")
                return "break"
        return "break"


class CheckBox(ttk.Checkbutton):
    """A check box whose state lives in a Tcl variable only.

    No ``tkinter.Variable``: a Python variable object collected by the garbage
    collector in a database pool's thread would call Tcl from that thread.
    """

    def __init__(self, master: tk.Misc, *, checked: bool = False, **kw: object) -> None:
        super().__init__(master, **kw)  # type: ignore[arg-type]
        self._variable = f"ecr_check{id(self)}"
        self.configure(variable=self._variable, onvalue="1", offvalue="0")
        self.checked = checked

    @property
    def checked(self) -> bool:
        return str(self.getvar(self._variable)) == "1"

    @checked.setter
    def checked(self, value: bool) -> None:
        self.setvar(self._variable, "1" if value else "0")


def yes_no_choices() -> list[tuple[str, str]]:
    return [("true", tr("Yes")), ("false", tr("No"))]


def country_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 codes with their names in the current language (Babel's CLDR data)."""
    from babel import Locale

    from common.acts.codes import COUNTRIES

    names = Locale.parse("en" if get_language() == "en" else "fr").territories
    pairs = [(code, f"{code} — {names.get(code, code)}") for code in COUNTRIES]
    return sorted(pairs, key=lambda p: p[1].split(" — ", 1)[1])


def required_mark(label: str, required: bool) -> tuple[str, str]:
    """The text and style of a field's label: a required field is marked " *" (act form too)."""
    return (f"{label} *", "Required.TLabel") if required else (label, "TLabel")


class Form(ttk.Frame):
    """A small labelled form (login, setup, users, settings): label / entry / message rows."""

    def __init__(self, master: tk.Misc, *, label_width: int = 22, **kw: object) -> None:
        super().__init__(master, **kw)  # type: ignore[arg-type]
        self.label_width = label_width
        self.inputs: dict[str, tk.Widget] = {}
        self.labels: dict[str, ttk.Label] = {}
        self.messages: dict[str, ttk.Label] = {}
        self._label_texts: dict[str, str] = {}
        self.columnconfigure(1, weight=1)
        self._row = 0

    def add(self, key: str, label: str, widget_factory: Callable[[tk.Misc], tk.Widget], *,
            required: bool = False, hint: str = "") -> tk.Widget:
        text, style = required_mark(label, required)
        self.labels[key] = ttk.Label(self, text=text, width=self.label_width, anchor="w",
                                     style=self._child_style(style))
        self.labels[key].grid(row=self._row, column=0, sticky="w", pady=3, padx=(0, 8))
        self._label_texts[key] = label
        widget = widget_factory(self)
        widget.grid(row=self._row, column=1, sticky="w", pady=3)
        message = ttk.Label(self, text=hint, style=self._child_style("Muted.TLabel"),
                            wraplength=280, justify="left")
        message.grid(row=self._row, column=2, sticky="w", padx=(8, 0))
        self.inputs[key] = widget
        self.messages[key] = message
        self._row += 1
        return widget

    def add_widget(self, widget: tk.Widget) -> None:
        widget.grid(row=self._row, column=0, columnspan=3, sticky="w", pady=(8, 3))
        self._row += 1

    def mark_required(self, key: str, required: bool) -> None:
        """Mark or unmark a field as required (one that another field's choice makes so)."""
        text, style = required_mark(self._label_texts[key], required)
        self.labels[key].configure(text=text, style=self._child_style(style))

    def show_message(self, key: str, text: str, *, tone: str = "Error") -> None:
        if key in self.messages:
            self.messages[key].configure(text=text, style=self._child_style(f"{tone}.TLabel"))

    def clear_messages(self) -> None:
        for label in self.messages.values():
            label.configure(text="", style=self._child_style("Muted.TLabel"))

    def _child_style(self, base: str) -> str:
        return f"Card.{base}" if str(self.cget("style")).startswith("CardBody") else base


def entry(width: int = 30, *, secret: bool = False) -> Callable[[tk.Misc], ttk.Entry]:
    """A factory for ``Form.add``."""
    return lambda master: ttk.Entry(master, width=width, show="•" if secret else "")


def set_entry(widget: tk.Misc, text: str) -> None:
    assert isinstance(widget, ttk.Entry)
    widget.delete(0, "end")
    widget.insert(0, text)
