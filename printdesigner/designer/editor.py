"""The designer's state and operations, without any window: what the canvas edits.

``Editor`` holds the template being designed, the current page, the selection
and the undo/redo history.  Every change goes through one method that records
the previous template (templates are immutable values, so history is a list of
them), and every position goes through ``snap`` when the grid is on.  The Tk
views only translate mouse and keyboard into these calls, which is what makes
the designer testable without a screen and the same from the menu or the mouse.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from common.i18n import translator
from printdesigner.errors import TemplateError
from printdesigner.model import (
    AnyElement,
    Box,
    ComputedField,
    DataField,
    Image,
    Line,
    Page,
    Paragraph,
    QrCode,
    StaticText,
    Template,
    TextStyle,
)
from printdesigner.schema import template_from_json, template_to_json

tr = translator("print")

HISTORY_LIMIT = 200
MIN_SIZE_MM = 2.0
#: Handles of a selected element: which edges a drag on each one moves.
HANDLES: dict[str, tuple[int, int]] = {
    "nw": (-1, -1), "n": (0, -1), "ne": (1, -1), "e": (1, 0),
    "se": (1, 1), "s": (0, 1), "sw": (-1, 1), "w": (-1, 0),
}  # fmt: skip
ALIGNMENTS = ("left", "right", "top", "bottom", "hcenter", "vcenter")


def new_element(kind: str, element_id: str, x: float, y: float, *, path: str = "",
                label: str = "") -> AnyElement:
    """A fresh element of a palette entry, with sensible default size, at (x, y)."""
    makers: dict[str, Callable[[], AnyElement]] = {
        "text": lambda: StaticText(element_id, x, y, 50, 6, text=label or tr("Text")),
        "field": lambda: DataField(element_id, x, y, 60, 6, path=path, empty="—"),
        "computed": lambda: ComputedField(element_id, x, y, 50, 6, name=path or "niu"),
        "paragraph": lambda: Paragraph(element_id, x, y, 100, 20, text=label or tr("Text")),
        "line": lambda: Line(element_id, x, y, 60, 0),
        "box": lambda: Box(element_id, x, y, 60, 30),
        "image": lambda: Image(element_id, x, y, 20, 20, asset=path),
        "qr": lambda: QrCode(element_id, x, y, 34, 34),
    }
    return makers[kind]()


class Editor:
    """One template under design."""

    def __init__(self, template: Template, *, grid_mm: float = 1.0, snap: bool = True) -> None:
        self.template = template
        self.page = 0
        self.selection: list[str] = []
        self.grid_mm = grid_mm
        self.snap_on = snap
        self._undo: list[Template] = []
        self._redo: list[Template] = []
        self.saved_template = template
        self.listeners: list[Callable[[], None]] = []

    # ---------------------------------------------------------------- history
    @property
    def dirty(self) -> bool:
        return self.template != self.saved_template

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def change(self, template: Template) -> None:
        """Replace the template as one undoable step (nothing recorded if equal)."""
        if template == self.template:
            return
        self._undo.append(self.template)
        del self._undo[:-HISTORY_LIMIT]
        self._redo.clear()
        self.template = template
        self._prune_selection()
        self._notify()

    def undo(self) -> None:
        if self._undo:
            self._redo.append(self.template)
            self.template = self._undo.pop()
            self._prune_selection()
            self._notify()

    def redo(self) -> None:
        if self._redo:
            self._undo.append(self.template)
            self.template = self._redo.pop()
            self._prune_selection()
            self._notify()

    def mark_saved(self, template: Template) -> None:
        """After a save: the stored template (with its new version) is the clean state."""
        self.template = template
        self.saved_template = template
        self._notify()

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener()

    def _prune_selection(self) -> None:
        ids = {e.id for e in self.elements()}
        self.selection = [i for i in self.selection if i in ids]
        self.page = min(self.page, len(self.template.pages) - 1)

    # ---------------------------------------------------------------- reading
    def elements(self) -> tuple[AnyElement, ...]:
        return self.template.pages[self.page].elements

    def element(self, element_id: str) -> AnyElement:
        for e in self.elements():
            if e.id == element_id:
                return e
        raise KeyError(element_id)

    def selected(self) -> list[AnyElement]:
        return [self.element(i) for i in self.selection]

    def snap(self, value: float) -> float:
        if not self.snap_on or self.grid_mm <= 0:
            return round(value, 2)
        return round(round(value / self.grid_mm) * self.grid_mm, 2)

    def page_size(self) -> tuple[float, float]:
        return self.template.page.dimensions()

    # ---------------------------------------------------------------- selection
    def select(self, ids: Iterable[str], *, add: bool = False) -> None:
        ids = list(ids)
        if add:
            for i in ids:
                if i in self.selection:
                    self.selection.remove(i)
                else:
                    self.selection.append(i)
        else:
            self.selection = ids
        self._notify()

    def hit(self, x: float, y: float, tolerance: float = 1.0) -> AnyElement | None:
        """The topmost element under (x, y) mm."""
        for e in reversed(self.elements()):
            x0, x1 = sorted((e.x, e.x + e.width))
            y0, y1 = sorted((e.y, e.y + e.height))
            if x0 - tolerance <= x <= x1 + tolerance and y0 - tolerance <= y <= y1 + tolerance:
                return e
        return None

    def inside(self, x0: float, y0: float, x1: float, y1: float) -> list[str]:
        """Ids of the elements wholly inside a rubber band."""
        lx, hx = sorted((x0, x1))
        ly, hy = sorted((y0, y1))
        return [e.id for e in self.elements()
                if lx <= min(e.x, e.x + e.width) and max(e.x, e.x + e.width) <= hx
                and ly <= min(e.y, e.y + e.height) and max(e.y, e.y + e.height) <= hy]

    # ---------------------------------------------------------------- edits
    def _replace_all(self, new: dict[str, AnyElement]) -> Template:
        page = self.template.pages[self.page]
        elements = tuple(new.get(e.id, e) for e in page.elements)
        return self.template.with_page(self.page, Page(elements))

    def add_image(self, x: float, y: float, data: bytes) -> str:
        """Drop an image (PNG or JPEG bytes): it joins the template's assets."""
        from printdesigner.model import Asset

        media = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        n = 1
        while f"image-{n}" in self.template.assets:
            n += 1
        name = f"image-{n}"
        before = self.template
        with_asset = dataclasses.replace(before, assets={**before.assets, name: Asset(media, data)})
        self.template = with_asset
        try:
            element_id = self.add("image", x, y, path=name)
        finally:
            if self._undo and self._undo[-1] is with_asset:
                self._undo[-1] = before  # one undo removes the image and its asset
            elif self.template is with_asset:
                self.template = before
        self.check(self.template)
        return element_id

    def add(self, kind: str, x: float, y: float, *, path: str = "", label: str = "") -> str:
        """Drop a new element at (x, y) mm; it becomes the selection."""
        element_id = self.template.new_id(kind)
        element = new_element(kind, element_id, self.snap(x), self.snap(y), path=path,
                              label=label)
        width, height = self.page_size()
        element = dataclasses.replace(
            element, x=min(max(0.0, element.x), max(0.0, width - element.width)),
            y=min(max(0.0, element.y), max(0.0, height - max(element.height, 0))))
        page = self.template.pages[self.page]
        self.selection = [element_id]
        self.change(self.template.with_page(self.page, Page((*page.elements, element))))
        return element_id

    def moved_template(self, ids: Iterable[str], dx: float, dy: float) -> Template:
        """The template with ``ids`` moved by (dx, dy) mm, snapped on the first one."""
        chosen = [self.element(i) for i in ids]
        if not chosen:
            return self.template
        anchor = chosen[0]
        sdx = self.snap(anchor.x + dx) - anchor.x
        sdy = self.snap(anchor.y + dy) - anchor.y
        return self._replace_all({e.id: e.moved(sdx, sdy) for e in chosen})

    def move(self, ids: Iterable[str], dx: float, dy: float) -> None:
        self.change(self.moved_template(ids, dx, dy))

    def nudge(self, dx: float, dy: float) -> None:
        """Arrow keys: move the selection by exactly (dx, dy) mm, grid or not."""
        self.change(self._replace_all({e.id: e.moved(dx, dy) for e in self.selected()}))

    def resized_template(self, element_id: str, handle: str, dx: float, dy: float) -> Template:
        """The template with one element's edges dragged by the ``handle``."""
        e = self.element(element_id)
        hx, hy = HANDLES[handle]
        x, y, w, h = e.x, e.y, e.width, e.height
        if hx < 0:
            new_x = self.snap(x + dx)
            w, x = w + (x - new_x), new_x
        elif hx > 0:
            w = self.snap(x + w + dx) - x
        if hy < 0:
            new_y = self.snap(y + dy)
            h, y = h + (y - new_y), new_y
        elif hy > 0:
            h = self.snap(y + h + dy) - y
        if e.type != "line":
            w, h = max(w, MIN_SIZE_MM), max(h, MIN_SIZE_MM)
        if e.type == "qr":
            w = h = max(w, h)
        return self._replace_all({e.id: dataclasses.replace(e, x=round(x, 2), y=round(y, 2),
                                                            width=round(w, 2),
                                                            height=round(h, 2))})

    def resize(self, element_id: str, handle: str, dx: float, dy: float) -> None:
        self.change(self.resized_template(element_id, handle, dx, dy))

    def duplicate(self, offset_mm: float = 5.0) -> list[str]:
        """Copies of the selection, shifted down and right; they become the selection."""
        page = self.template.pages[self.page]
        copies = []
        template = self.template
        for e in self.selected():
            new_id = template.new_id(e.type)
            copy = dataclasses.replace(e.moved(offset_mm, offset_mm), id=new_id)
            copies.append(copy)
            template = template.with_page(self.page, Page((*page.elements, *copies)))
        if copies:
            self.selection = [c.id for c in copies]
            self.change(template)
        return [c.id for c in copies]

    def delete(self) -> None:
        chosen = set(self.selection)
        page = self.template.pages[self.page]
        self.change(self.template.with_page(
            self.page, Page(tuple(e for e in page.elements if e.id not in chosen))))

    def align(self, how: str) -> None:
        """Align the selection on the first selected element (the anchor)."""
        chosen = self.selected()
        if len(chosen) < 2:
            return
        a = chosen[0]
        new: dict[str, AnyElement] = {}
        for e in chosen[1:]:
            x, y = e.x, e.y
            if how == "left":
                x = a.x
            elif how == "right":
                x = a.x + a.width - e.width
            elif how == "hcenter":
                x = a.x + (a.width - e.width) / 2
            elif how == "top":
                y = a.y
            elif how == "bottom":
                y = a.y + a.height - e.height
            elif how == "vcenter":
                y = a.y + (a.height - e.height) / 2
            new[e.id] = dataclasses.replace(e, x=round(x, 2), y=round(y, 2))
        self.change(self._replace_all(new))

    def set_property(self, element_id: str, name: str, value: Any) -> None:
        """Change one property (``style.size`` for a style's); checked like a file."""
        e = self.element(element_id)
        if name.startswith("style."):
            style: TextStyle = e.style
            updated = dataclasses.replace(e, style=dataclasses.replace(
                style, **{name[len("style."):]: value}))
        else:
            updated = dataclasses.replace(e, **{name: value})
        candidate = self._replace_all({e.id: updated})
        checked = self.check(candidate)
        if name == "id":
            self.selection = [value if i == element_id else i for i in self.selection]
        self.change(checked)

    def set_template(self, **changes: Any) -> None:
        """Change the template's own settings (name, page size, mode, watermark…)."""
        self.change(self.check(dataclasses.replace(self.template, **changes)))

    def add_page(self) -> None:
        pages = (*self.template.pages, Page())
        self.change(dataclasses.replace(self.template, pages=pages))
        self.page = len(pages) - 1
        self._notify()

    def go_to_page(self, index: int) -> None:
        self.page = max(0, min(index, len(self.template.pages) - 1))
        self.selection = []
        self._notify()

    @staticmethod
    def check(template: Template) -> Template:
        """The template as the file format reads it, or ``TemplateError``."""
        try:
            return template_from_json(template_to_json(template))
        except TemplateError:
            raise
        except (TypeError, ValueError) as exc:
            raise TemplateError(tr("Invalid value: {problem}", problem=str(exc)),
                                field="template", rule="invalid") from None
