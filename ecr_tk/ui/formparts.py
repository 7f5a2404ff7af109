"""The parts of a generated act form: a leaf's row, a group's frame, a repeated group.

``ActForm`` (``actform.py``) assembles them from the data dictionary; these
classes know one node of the dictionary each and nothing of any event.  A
``Leaf`` is one row (label, input, message); a ``Block`` a group, folded away
when optional and built only when opened; a ``Repeat`` the numbered items of a
repeated group, between its bounds.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from tkinter import ttk
from typing import TYPE_CHECKING, Any

from common.acts.model import Field, Group
from common.i18n import translator
from ecr_tk.ui.dates import DateTextError
from ecr_tk.ui.leaves import LeafInput, NiuInput, leaf_input
from ecr_tk.ui.widgets import CheckBox, required_mark

if TYPE_CHECKING:
    from ecr_tk.ui.actform import ActForm

tr = translator("ui")

LABEL_WRAP = 200  # the label column, at the outermost level
INDENT = 13  # what one level of group frame takes on the left (padding and border)
INPUT_WIDTH = 290  # the input column: the widest input (34 characters) fits
MESSAGE_WRAP = 200


#: Keys that move, open a drop-down or modify another key, and never change a value:
#: releasing one is not typing (↓ opens a list without choosing anything, issue 13, bug 5).
_NOT_TYPING = frozenset({
    "Tab", "ISO_Left_Tab", "Shift_L", "Shift_R", "Control_L", "Control_R", "Alt_L", "Alt_R",
    "Meta_L", "Meta_R", "Super_L", "Super_R", "ISO_Level3_Shift", "Caps_Lock", "Num_Lock",
    "Up", "Down", "Left", "Right", "Home", "End", "Prior", "Next", "Escape", "F4",
})


@dataclass(frozen=True)
class LocalIssue:
    """A problem the form itself sees (an unreadable date): same shape as a service issue."""

    field: str | None
    message: str
    rule: str = "unreadable"
    severity: str = "error"

class Leaf:
    """A leaf on screen: its concrete path, label, input and message."""

    def __init__(self, form: ActForm, grid: ttk.Frame, row: int, path: str, field: Field,
                 depth: int) -> None:
        self.form = form
        self.path = path
        self.field = field
        self.touched = False
        text, style = required_mark(field.label(), field.required)
        self.label = ttk.Label(grid, text=text, wraplength=_label_width(depth) - 8,
                               justify="left", style=style)
        self.label.grid(row=row, column=0, sticky="nw", pady=2, padx=(0, 8))
        self.input: LeafInput = leaf_input(grid, field)
        self.input.frame.grid(row=row, column=1, sticky="nw", pady=2)
        self.message = ttk.Label(grid, text="", style="Error.TLabel", wraplength=MESSAGE_WRAP,
                                 justify="left")
        self.message.grid(row=row, column=2, sticky="nw", pady=2, padx=(8, 0))
        self.input.on_refused = self._refused
        widget = self.input.focus_widget
        form.page.adopt(widget)
        widget.bind("<FocusIn>", self._focus_in, add="+")
        widget.bind("<FocusOut>", self._focus_out, add="+")
        widget.bind("<KeyRelease>", self._typed, add="+")
        widget.bind("<<ComboboxSelected>>", self._typed, add="+")
        widget.bind("<<DatePicked>>", self._typed, add="+")
        self.shown: str = ""

    def value(self) -> Any:
        return self.input.get()

    def show(self, text: str, tone: str = "Error") -> None:
        self.shown = text if tone in ("Error", "Warning") else ""
        self.message.configure(text=text, style=f"{tone}.TLabel")
        self.input.mark_invalid(bool(text) and tone == "Error")

    def _refused(self, reason: str) -> None:
        self.touched = True
        self.show(reason)

    def _focus_in(self, _event: object) -> None:
        if not self.shown and self.field.help is not None:
            self.message.configure(text=self.field.help(), style="Muted.TLabel")

    def _focus_out(self, _event: object) -> None:
        if self.input.choosing():  # the focus went into the field's own list or calendar
            return
        self.touched = True
        if not self.shown:
            self.message.configure(text="")
        self.form.schedule_check(delay=1)
        if isinstance(self.input, NiuInput):
            self.form.niu_changed(self)

    def _typed(self, event: tk.Event) -> None:  # type: ignore[type-arg]
        if getattr(event, "keysym", "") in _NOT_TYPING:
            return
        self.touched = True
        self.form.changed()


class Block:
    """A group on screen: a frame with its children, or folded away when optional."""

    def __init__(self, form: ActForm, master: tk.Misc, group: Group, path: str, *,
                 title: str | None, optional: bool, depth: int,
                 removable: Callable[[], None] | None = None) -> None:
        self.form = form
        self.group = group
        self.path = path  # "mother", "witnesses[1]"
        self.depth = depth  # how many group frames enclose the rows
        self.children: dict[str, Leaf | Block | Repeat] = {}
        self.built = False
        self.rows = 0
        self.frame = ttk.LabelFrame(master, text=title, style="Group.TLabelframe",
                                    padding=(10, 4)) if title else ttk.Frame(master)
        self.frame.columnconfigure(0, weight=1)
        self.header = ttk.Frame(self.frame)
        self.message = ttk.Label(self.header, text="", style="Error.TLabel",
                                 wraplength=MESSAGE_WRAP * 2, justify="left")
        self.opened = not optional
        self.toggle: CheckBox | None = None
        if optional:
            self.toggle = CheckBox(self.header, text=tr("Fill in"), command=self._toggled)
            self.toggle.pack(side="left")
            form.page.adopt(self.toggle)
        self.remove_button: ttk.Button | None = None
        if removable is not None:
            # out of the Tab order: Tab goes through the fields, in reading order
            self.remove_button = ttk.Button(self.header, text=tr("Remove"), command=removable,
                                            takefocus=0)
            self.remove_button.pack(side="right")
        self.message.pack(side="left", padx=(8, 0))
        self._update_header()
        self.grid = _grid(self.frame, depth)
        self.grid.grid(row=1, column=0, columnspan=3, sticky="we")
        if not optional:
            self.build()

    def show_message(self, text: str, tone: str = "Error") -> None:
        """A verdict about the group as a whole (``one_of``, a required group missing)."""
        self.message.configure(text=text, style=f"{tone}.TLabel")
        self._update_header()

    def _update_header(self) -> None:
        """The header line takes room only when it holds something."""
        shown = (self.toggle is not None or bool(self.message.cget("text"))
                 or (self.remove_button is not None and self.remove_button.winfo_manager() != ""))
        if shown:
            self.header.grid(row=0, column=0, columnspan=3, sticky="we")
        else:
            self.header.grid_remove()

    def member_path(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def build(self, members: tuple[str, ...] | None = None) -> None:
        """Create the rows of ``members`` (all children by default), in declaration order."""
        names = members if members is not None else tuple(c.name for c in self.group.children)
        for name in names:
            node = self.group.child(name)
            if node is None or name in self.children:
                continue
            path, row = self.member_path(name), self.rows
            self.rows += 1
            if isinstance(node, Field):
                self.children[name] = Leaf(self.form, self.grid, row, path, node, self.depth)
            elif node.repeated:
                repeat = Repeat(self.form, self.grid, node, path, self.depth + 1)
                repeat.frame.grid(row=row, column=0, columnspan=3, sticky="we", pady=(4, 4))
                self.children[name] = repeat
            else:
                block = Block(self.form, self.grid, node, path, title=node.label(),
                              optional=not node.required, depth=self.depth + 1)
                block.frame.grid(row=row, column=0, columnspan=3, sticky="we", pady=(4, 4))
                self.children[name] = block
        self.built = True

    def _toggled(self) -> None:
        if self.toggle is not None:
            self.opened = self.toggle.checked
        if self.opened:
            if not self.built or not self.grid.winfo_children():
                self.build()
            self.grid.grid()
        else:
            self.grid.grid_remove()
        self.form.changed()

    def is_open(self) -> bool:
        return self.opened

    def open(self) -> None:
        if not self.is_open():
            assert self.toggle is not None
            self.toggle.checked = True
            self._toggled()

    def get(self, read: Callable[[Leaf], Any] = Leaf.value) -> dict[str, Any] | None:
        """The group's JSON object (``None`` when folded away); ``read`` reads each leaf."""
        if not self.is_open():
            return None
        out: dict[str, Any] = {}
        for name, child in self.children.items():
            value = read(child) if isinstance(child, Leaf) else child.get(read)
            if value is not None:
                out[name] = value
        return out

    def set(self, value: Mapping[str, Any] | None) -> None:
        if value:
            self.open()
        elif self.toggle is not None:
            self.toggle.checked = False
            self._toggled()
        if not self.is_open():
            return
        for name, child in self.children.items():
            sub = (value or {}).get(name)
            if isinstance(child, Leaf):
                child.input.set(sub)
            else:
                child.set(sub)


class RootBlock(Block):
    """The event's root group, laid out section by section (each section its own grid)."""

    def __init__(self, form: ActForm, group: Group) -> None:  # no frame of its own
        self.form = form
        self.group = group
        self.path = ""
        self.depth = 1  # inside the section's frame
        self.children = {}
        self.built = True
        self.rows = 0
        self.opened = True
        self.toggle = None

    def build_section(self, frame: ttk.LabelFrame, section_title: str,
                      members: tuple[str, ...]) -> None:
        """Lay out one section; a section that is one group titled alike shows it unframed."""
        only = self.group.child(members[0]) if len(members) == 1 else None
        if isinstance(only, Group) and not only.repeated and only.label() == section_title:
            block = Block(self.form, frame, only, only.name, title=None,
                          optional=not only.required, depth=1)
            block.frame.pack(fill="x")
            self.children[only.name] = block
            return
        self.grid = _grid(frame, self.depth)
        self.grid.pack(fill="x")
        self.rows = 0
        self.build(members)


class Repeat:
    """A repeated group: numbered items between ``repeat_min`` and ``repeat_max``."""

    def __init__(self, form: ActForm, master: tk.Misc, group: Group, path: str,
                 depth: int) -> None:
        self.form = form
        self.group = group
        self.path = path  # "witnesses"
        self.depth = depth
        self.items: list[Block] = []
        self.frame = ttk.Frame(master)
        self.message = ttk.Label(self.frame, text="", style="Error.TLabel")
        self.holder = ttk.Frame(self.frame)
        self.holder.pack(fill="x")
        self.add_button = ttk.Button(self.frame, text=tr("Add: {what}", what=group.label()),
                                     command=self.add)
        self.add_button.pack(anchor="w", pady=(2, 0))
        form.page.adopt(self.add_button)
        for _ in range(group.repeat_min or 0):
            self._append()
        self._refresh()

    def show_message(self, text: str, tone: str = "Error") -> None:
        self.message.configure(text=text, style=f"{tone}.TLabel")
        if text:
            self.message.pack(anchor="w", before=self.holder)
        else:
            self.message.pack_forget()

    def _append(self) -> Block:
        index = len(self.items)
        block = Block(self.form, self.holder, self.group, f"{self.path}[{index}]",
                      title=f"{self.group.label()} {index + 1}", optional=False,
                      depth=self.depth, removable=lambda: self.remove(block))
        block.frame.pack(fill="x", pady=(2, 4))
        self.items.append(block)
        return block

    def add(self) -> Block | None:
        if len(self.items) >= (self.group.repeat_max or 0):
            return None
        block = self._append()
        self._refresh()
        self.form.changed()
        return block

    def remove(self, block: Block) -> None:
        if len(self.items) <= (self.group.repeat_min or 0) or block not in self.items:
            return
        values = [b.get(_raw) for b in self.items if b is not block]
        for b in self.items:
            b.frame.destroy()
        self.items = []
        for value in values:
            self._append().set(value)
        self._refresh()
        self.form.changed()

    def _refresh(self) -> None:
        full = len(self.items) >= (self.group.repeat_max or 0)
        if full:
            self.add_button.pack_forget()
        elif not self.add_button.winfo_ismapped():
            self.add_button.pack(anchor="w", pady=(2, 0))
        at_min = len(self.items) <= (self.group.repeat_min or 0)
        for block in self.items:
            if block.remove_button is None:
                continue
            if at_min:
                block.remove_button.pack_forget()
            else:
                block.remove_button.pack(side="right")
            block._update_header()

    def get(self, read: Callable[[Leaf], Any] = Leaf.value) -> list[dict[str, Any]] | None:
        values = [b.get(read) or {} for b in self.items]
        return values or None

    def set(self, value: list[Mapping[str, Any]] | None) -> None:
        wanted = list(value or [])
        while len(self.items) < max(len(wanted), self.group.repeat_min or 0):
            self._append()
        while len(self.items) > max(len(wanted), self.group.repeat_min or 0):
            self.items.pop().frame.destroy()
        for block, item in zip(self.items, wanted + [{}] * len(self.items), strict=False):
            block.set(item)
        self._refresh()


def _label_width(depth: int) -> int:
    return LABEL_WRAP - INDENT * max(0, depth - 1)


def _grid(master: tk.Misc, depth: int) -> ttk.Frame:
    """A label / input / message grid whose input column lines up at every depth."""
    grid = ttk.Frame(master)
    grid.columnconfigure(0, minsize=_label_width(depth))
    grid.columnconfigure(1, minsize=INPUT_WIDTH)
    grid.columnconfigure(2, minsize=MESSAGE_WRAP - 10 * max(0, depth - 1), weight=1)
    return grid


def _raw(leaf: Leaf) -> Any:
    """A leaf's value, or its text when unreadable (kept as typed when items move)."""
    try:
        return leaf.value()
    except DateTextError:
        return leaf.input.text()


def nodes_of(block: Block) -> Iterator[Leaf | Block | Repeat]:
    for child in block.children.values():
        yield child
        if isinstance(child, Block):
            yield from nodes_of(child)
        elif isinstance(child, Repeat):
            for item in child.items:
                yield item
                yield from nodes_of(item)


def leaves_of(block: Block) -> Iterator[Leaf]:
    for node in nodes_of(block):
        if isinstance(node, Leaf):
            yield node


def touched_under(node: Block | Repeat) -> bool:
    blocks = node.items if isinstance(node, Repeat) else [node]
    return any(leaf.touched for b in blocks for leaf in leaves_of(b))


