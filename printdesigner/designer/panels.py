"""The designer's side panels: the palette to drag from, and the selected element's properties.

The palette lists the kinds of element and, for the template's event, every
field of the data dictionary (sections, groups, leaves: walked, never listed)
and every computed value.  Dragging an entry and releasing it over the page
drops a new element there.  The properties panel edits the one selected
element; a value the format refuses is reported in the status line and the
template stays as it was.
"""

from __future__ import annotations

import dataclasses
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import Any

from common.errors import UserError
from common.i18n import translator
from printdesigner.designer.canvas import DesignCanvas
from printdesigner.designer.editor import Editor
from printdesigner.model import (
    ALIGNS,
    COMPUTED,
    FITS,
    FONTS,
    FORMATS,
    KINDS,
    MODES,
    PAPER_SIZES,
    VALIGNS,
    PageSize,
    TextStyle,
    Watermark,
)

tr = translator("print")

PALETTE = ("text", "paragraph", "line", "box", "image", "qr")


def palette_label(kind: str) -> str:
    return {
        "text": tr("Text"), "paragraph": tr("Paragraph"), "line": tr("Line"), "box": tr("Box"),
        "image": tr("Image"), "qr": tr("QR code"), "computed": tr("Computed value"),
    }.get(kind, kind)  # fmt: skip


class Palette(ttk.Frame):
    """Element kinds, dictionary fields and computed values to drag onto the page."""

    def __init__(self, master: tk.Misc, editor: Editor, canvas: DesignCanvas,
                 ask_image: Callable[[], bytes | None] | None = None) -> None:
        super().__init__(master, padding=4)
        self.editor = editor
        self.canvas = canvas
        self.ask_image = ask_image
        self.entries: dict[str, tuple[str, str, str]] = {}  # tree item → (kind, path, label)
        ttk.Label(self, text=tr("Drag onto the page"), font=("DejaVu Sans", 9, "bold")).pack(
            anchor="w")
        self.tree = ttk.Treeview(self, show="tree", selectmode="browse", height=30)
        scroll = ttk.Scrollbar(self, orient="vertical", command=self.tree.yview)
        self.tree.configure(yscrollcommand=scroll.set)
        self.tree.pack(side="left", fill="both", expand=True)
        scroll.pack(side="right", fill="y")
        self._drag: tuple[str, str, str] | None = None
        self.tree.bind("<ButtonPress-1>", self._press)
        self.tree.bind("<B1-Motion>", self._motion)
        self.tree.bind("<ButtonRelease-1>", self._release)
        self.fill()

    def fill(self) -> None:
        self.tree.delete(*self.tree.get_children())
        self.entries.clear()
        elements = self.tree.insert("", "end", text=tr("Elements"), open=True)
        for kind in PALETTE:
            self._entry(elements, palette_label(kind), (kind, "", ""))
        computed = self.tree.insert("", "end", text=tr("Computed values"), open=False)
        for name in COMPUTED:
            self._entry(computed, name, ("computed", name, ""))
        event_type = self.editor.template.event_type
        if event_type:
            self._fields(event_type)

    def _entry(self, parent: str, text: str, entry: tuple[str, str, str]) -> str:
        item = self.tree.insert(parent, "end", text=text)
        self.entries[item] = entry
        return item

    def _fields(self, event_type: str) -> None:
        from common.acts.dictionary import EVENTS
        from common.acts.model import Field, Group

        event = EVENTS.get(event_type)
        if event is None:
            return
        lang = self.editor.template.language
        root = self.tree.insert("", "end", text=tr("Fields: {event}", event=event.label(lang)),
                                open=True)

        def walk(parent: str, node: Field | Group, path: str) -> None:
            if isinstance(node, Field):
                self._entry(parent, node.label(lang), ("field", path, node.label(lang)))
                return
            branch = self.tree.insert(parent, "end", text=node.label(lang), open=False)
            suffix = "[]" if node.repeated else ""
            for child in node.children:
                walk(branch, child, f"{path}{suffix}.{child.name}")

        for section in event.sections:
            branch = self.tree.insert(root, "end", text=section.label(lang), open=False)
            for member in section.members:
                node = event.root.child(member)
                if node is None:
                    continue
                if isinstance(node, Group) and node.label(lang) == section.label(lang):
                    # the section is this one group ("Mère"): no second level of the same name
                    suffix = "[]" if node.repeated else ""
                    for child in node.children:
                        walk(branch, child, f"{member}{suffix}.{child.name}")
                else:
                    walk(branch, node, member)

    def item_for_path(self, path: str) -> str:
        """The tree item of a field (opening its branches), for tests and search."""
        for item, (kind, p, _label) in self.entries.items():
            if kind == "field" and p == path:
                parent = self.tree.parent(item)
                while parent:
                    self.tree.item(parent, open=True)
                    parent = self.tree.parent(parent)
                self.tree.see(item)
                return item
        raise KeyError(path)

    def item_for_kind(self, kind: str) -> str:
        for item, (k, _p, _l) in self.entries.items():
            if k == kind:
                return item
        raise KeyError(kind)

    # ---------------------------------------------------------------- drag
    def _press(self, event: tk.Event) -> None:
        item = self.tree.identify_row(event.y)
        self._drag = self.entries.get(item) if item else None

    def _motion(self, event: tk.Event) -> None:
        if self._drag is not None:
            self.tree.configure(cursor="plus")

    def _release(self, event: tk.Event) -> None:
        self.tree.configure(cursor="")
        drag, self._drag = self._drag, None
        if drag is None:
            return
        target = self.winfo_containing(event.x_root, event.y_root)
        if target is self.canvas:
            kind, path, label = drag
            if kind == "image":
                data = self.ask_image() if self.ask_image else None
                if data:
                    x, y = self.canvas.root_to_mm(event.x_root, event.y_root)
                    self.editor.add_image(x, y, data)
                return
            self.canvas.drop(kind, event.x_root, event.y_root, path=path, label=label)


DOCUMENT_CHOICES: dict[str, tuple[str, ...]] = {
    "doc.size": (*PAPER_SIZES, "custom"), "doc.orientation": ("portrait", "landscape"),
    "doc.mode": MODES, "doc.language": ("fr", "en"), "doc.kind": KINDS,
}


def _text_value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


class PropertiesPanel(ttk.Frame):
    """The properties of the single selected element, edited in place."""

    def __init__(self, master: tk.Misc, editor: Editor,
                 on_status: Callable[[str], None]) -> None:
        super().__init__(master, padding=6)
        self.editor = editor
        self.on_status = on_status
        self.inputs: dict[str, tuple[tk.Variable, type]] = {}
        self.body = ttk.Frame(self)
        self.body.pack(fill="both", expand=True)
        editor.listeners.append(self.refresh)
        self._shown: tuple[str, object] | None = None
        self.refresh()

    def refresh(self) -> None:
        chosen = self.editor.selected()
        key: tuple[str, object] | None = (chosen[0].id, chosen[0]) if len(chosen) == 1 else (
            ("", self._document_values()) if not chosen else None)
        if key == self._shown:
            return
        self._shown = key
        for child in self.body.winfo_children():
            child.destroy()
        self.inputs.clear()
        if not chosen:
            self._document_form()
            return
        if len(chosen) != 1:
            text = tr("{count} elements selected: use Align", count=len(chosen))
            ttk.Label(self.body, text=text, wraplength=220).grid(row=0, column=0, sticky="w")
            return
        element = chosen[0]
        ttk.Label(self.body, text=tr("Element {id}", id=element.id),
                  font=("DejaVu Sans", 9, "bold")).grid(row=0, column=0, columnspan=2,
                                                         sticky="w")
        row = 1
        for f in dataclasses.fields(element):
            if f.name == "type":
                continue
            value = getattr(element, f.name)
            if isinstance(value, TextStyle):
                for sf in dataclasses.fields(TextStyle):
                    self._input(row, f"style.{sf.name}", getattr(value, sf.name))
                    row += 1
                continue
            self._input(row, f.name, value)
            row += 1

    # ---------------------------------------------------------------- the document

    def _document_values(self) -> dict[str, object]:
        t = self.editor.template
        w, h = t.page.dimensions()
        return {
            "doc.key": t.key, "doc.name": t.name, "doc.kind": t.kind,
            "doc.language": t.language, "doc.mode": t.mode, "doc.size": t.page.size,
            "doc.orientation": t.page.orientation, "doc.width_mm": w, "doc.height_mm": h,
            "doc.watermark": t.watermark.text if t.watermark else "",
            "doc.watermark_from_copy": t.watermark.from_copy if t.watermark else 2,
        }

    def _document_form(self) -> None:
        """Nothing selected: the document's own settings (name, paper, mode, watermark)."""
        ttk.Label(self.body, text=tr("Document"), font=("DejaVu Sans", 9, "bold")).grid(
            row=0, column=0, columnspan=2, sticky="w")
        ttk.Label(self.body, text=tr("Select one element to edit its properties"),
                  wraplength=240).grid(row=1, column=0, columnspan=2, sticky="w")
        for row, (name, value) in enumerate(self._document_values().items(), start=2):
            self._input(row, name, value, apply=self.apply_document)

    def apply_document(self, name: str) -> None:
        var, _kind = self.inputs[name]
        values = self._document_values()
        try:
            raw = var.get()
            values[name] = float(str(raw).replace(",", ".")) if isinstance(
                values[name], float | int) and not isinstance(values[name], bool) else raw
        except ValueError:
            self.on_status(tr("{name}: a number is expected", name=name))
            return
        t = self.editor.template
        size = str(values["doc.size"])
        page = PageSize(size, str(values["doc.orientation"]),  # type: ignore[arg-type]
                        float(values["doc.width_mm"]) if size == "custom" else None,  # type: ignore[arg-type]
                        float(values["doc.height_mm"]) if size == "custom" else None)  # type: ignore[arg-type]
        text = str(values["doc.watermark"]).strip()
        watermark = dataclasses.replace(t.watermark or Watermark(), text=text,
                                        from_copy=int(float(values["doc.watermark_from_copy"])))  # type: ignore[arg-type]
        try:
            self.editor.set_template(
                key=str(values["doc.key"]), name=str(values["doc.name"]),
                kind=str(values["doc.kind"]), language=str(values["doc.language"]),
                mode=str(values["doc.mode"]), page=page, watermark=watermark if text else None)
        except UserError as exc:
            self.on_status(exc.message)
            self._shown = None
            self.refresh()

    def _choices(self, name: str) -> tuple[str, ...] | None:
        if name in DOCUMENT_CHOICES:
            return DOCUMENT_CHOICES[name]
        return {"format": FORMATS, "name": COMPUTED, "style.font": FONTS,
                "style.align": ALIGNS, "style.valign": VALIGNS, "style.fit": FITS}.get(name)

    def _input(self, row: int, name: str, value: Any,
               apply: Callable[[str], None] | None = None) -> None:
        apply = apply or self.apply
        label = name[4:] if name.startswith("doc.") else name
        ttk.Label(self.body, text=label).grid(row=row, column=0, sticky="w", padx=(0, 4))
        kind: type = type(value) if value is not None else str
        if isinstance(value, bool):
            var: tk.Variable = tk.BooleanVar(self, value=value)
            widget: tk.Widget = ttk.Checkbutton(self.body, variable=var,
                                                command=lambda: self.apply(name))
        elif self._choices(name):
            var = tk.StringVar(self, value=_text_value(value))
            widget = ttk.Combobox(self.body, textvariable=var, values=self._choices(name),
                                  state="readonly", width=16)
            widget.bind("<<ComboboxSelected>>", lambda _e: apply(name))
        else:
            var = tk.StringVar(self, value=_text_value(value))
            widget = ttk.Entry(self.body, textvariable=var, width=18)
            widget.bind("<Return>", lambda _e: apply(name))
            widget.bind("<FocusOut>", lambda _e: apply(name))
        widget.grid(row=row, column=1, sticky="ew", pady=1)
        self.inputs[name] = (var, kind)

    def apply(self, name: str) -> None:
        """Take the value typed for ``name`` into the template (one undoable step)."""
        chosen = self.editor.selected()
        if len(chosen) != 1 or name not in self.inputs:
            return
        var, kind = self.inputs[name]
        raw = var.get()
        try:
            if kind is bool:
                value: Any = bool(raw)
            elif kind in (int, float):
                value = float(str(raw).replace(",", "."))
            elif name == "fill":
                value = raw or None
            else:
                value = raw
        except ValueError:
            self.on_status(tr("{name}: a number is expected", name=name))
            return
        element = chosen[0]
        current = getattr(element.style, name[6:]) if name.startswith("style.") else \
            getattr(element, name)
        if value == current:
            return
        try:
            self.editor.set_property(element.id, name, value)
        except UserError as exc:
            self.on_status(exc.message)
            self._shown = None
            self.refresh()
