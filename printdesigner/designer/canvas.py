"""The design canvas: the page at scale, its elements, the mouse and the keyboard.

Mouse and keys become ``Editor`` calls: a press on an element selects it, a drag
moves the selection (previewed live, recorded as one undoable step on release),
a drag on a handle resizes, a drag on empty paper selects by rubber band, and
arrow keys nudge.  What is drawn is an approximation of the printed page
(labels of fields in brackets); the preview renders the real PDF.
"""

from __future__ import annotations

import io
import tkinter as tk
from collections.abc import Callable
from tkinter import font as tkfont

from common.i18n import translator
from printdesigner.designer.editor import HANDLES, Editor
from printdesigner.model import (
    AnyElement,
    Box,
    ComputedField,
    DataField,
    Image,
    Line,
    Paragraph,
    QrCode,
    StaticText,
    Template,
)

tr = translator("print")

MARGIN_PX = 24
HANDLE_PX = 4
_TK_FAMILY = {"serif": "DejaVu Serif", "sans": "DejaVu Sans", "mono": "DejaVu Sans Mono"}


def field_caption(template: Template, path: str) -> str:
    """How a data field shows on the canvas: its dictionary label, in brackets."""
    if template.event_type:
        from common.acts.dictionary import EVENTS

        event = EVENTS.get(template.event_type)
        if event is not None:
            try:
                return f"[{event.path_label(path, template.language)}]"
            except KeyError:
                pass
    return f"[{path}]"


class DesignCanvas(tk.Canvas):
    """The page being designed; ``scale`` is pixels per millimetre (the zoom)."""

    def __init__(self, master: tk.Misc, editor: Editor, *, scale: float = 3.0,
                 on_status: Callable[[str], None] | None = None) -> None:
        super().__init__(master, background="#8a8f96", highlightthickness=1,
                         takefocus=True, cursor="arrow")
        self.editor = editor
        self.scale = scale
        self.show_grid = True
        self.on_status = on_status or (lambda _text: None)
        self._preview: Template | None = None
        self._drag: dict[str, object] | None = None
        self._images: list[object] = []  # PhotoImages must outlive the drawing
        editor.listeners.append(self.redraw)
        self.bind("<ButtonPress-1>", self._press)
        self.bind("<Shift-ButtonPress-1>", lambda e: self._press(e, add=True))
        self.bind("<B1-Motion>", self._motion)
        self.bind("<ButtonRelease-1>", self._release)
        for key, (dx, dy) in {"Left": (-1, 0), "Right": (1, 0), "Up": (0, -1),
                              "Down": (0, 1)}.items():
            self.bind(f"<{key}>", lambda _e, dx=dx, dy=dy: self._nudge(dx, dy, 1.0))
            self.bind(f"<Shift-{key}>", lambda _e, dx=dx, dy=dy: self._nudge(dx, dy, 0.1))
        # Through self.editor, not the argument: opening a file swaps the editor.
        self.bind("<Delete>", lambda _e: self.editor.delete())
        self.bind("<BackSpace>", lambda _e: self.editor.delete())
        self.bind("<Control-z>", lambda _e: self.editor.undo())
        self.bind("<Control-y>", lambda _e: self.editor.redo())
        self.bind("<Control-Z>", lambda _e: self.editor.redo())
        self.bind("<Control-d>", lambda _e: self.editor.duplicate())
        self.bind("<Control-a>", lambda _e: self.editor.select(
            e.id for e in self.editor.elements()))
        self.bind("<Configure>", lambda _e: self.redraw())
        self.redraw()

    # ---------------------------------------------------------------- geometry
    def to_px(self, x_mm: float, y_mm: float) -> tuple[float, float]:
        return (MARGIN_PX + x_mm * self.scale, MARGIN_PX + y_mm * self.scale)

    def to_mm(self, x_px: float, y_px: float) -> tuple[float, float]:
        return ((self.canvasx(x_px) - MARGIN_PX) / self.scale,
                (self.canvasy(y_px) - MARGIN_PX) / self.scale)

    def root_to_mm(self, x_root: int, y_root: int) -> tuple[float, float]:
        return self.to_mm(x_root - self.winfo_rootx(), y_root - self.winfo_rooty())

    def set_zoom(self, scale: float) -> None:
        self.scale = max(0.8, min(scale, 12.0))
        self.redraw()

    # ---------------------------------------------------------------- drawing
    def redraw(self) -> None:
        template = self._preview or self.editor.template
        self.delete("all")
        self._images.clear()
        width, height = template.page.dimensions()
        x0, y0 = self.to_px(0, 0)
        x1, y1 = self.to_px(width, height)
        self.create_rectangle(x0 + 4, y0 + 4, x1 + 4, y1 + 4, fill="#50555c", outline="")
        self.create_rectangle(x0, y0, x1, y1, fill="white", outline="#333333", tags=("paper",))
        self._draw_background(template, x0, y0, x1, y1)
        if self.show_grid and self.scale >= 1.5:
            step = 5.0
            for i in range(1, int(width // step) + 1):
                x = self.to_px(i * step, 0)[0]
                self.create_line(x, y0, x, y1, fill="#eef2f7" if i % 2 else "#dde4ee")
            for i in range(1, int(height // step) + 1):
                y = self.to_px(0, i * step)[1]
                self.create_line(x0, y, x1, y, fill="#eef2f7" if i % 2 else "#dde4ee")
        page = template.pages[min(self.editor.page, len(template.pages) - 1)]
        for element in page.elements:
            self._draw_element(template, element)
        self._draw_selection(template)
        self.configure(scrollregion=(0, 0, x1 + MARGIN_PX, y1 + MARGIN_PX))

    def _draw_background(self, template: Template, x0: float, y0: float, x1: float,
                         y1: float) -> None:
        bg = template.background
        if bg is None or bg.asset not in template.assets:
            return
        photo = self._photo(template.assets[bg.asset].data, int(x1 - x0), int(y1 - y0),
                            keep_ratio=False, faded=True)
        if photo is not None:
            self.create_image(x0, y0, image=photo, anchor="nw", tags=("background",))

    def _photo(self, data: bytes, w: int, h: int, *, keep_ratio: bool,
               faded: bool = False) -> object | None:
        from PIL import Image as PilImage
        from PIL import ImageTk, UnidentifiedImageError

        try:
            with PilImage.open(io.BytesIO(data)) as img:
                img = img.convert("RGBA")
                if keep_ratio:
                    img.thumbnail((max(1, w), max(1, h)))
                else:
                    img = img.resize((max(1, w), max(1, h)))
                if faded:
                    white = PilImage.new("RGBA", img.size, (255, 255, 255, 255))
                    img = PilImage.blend(white, img, 0.45)
                photo = ImageTk.PhotoImage(img, master=self)
        except (OSError, UnidentifiedImageError, ValueError):
            return None
        self._images.append(photo)
        return photo

    def _font(self, element: AnyElement) -> tkfont.Font:
        style = element.style
        pixels = max(4, round(style.size * 25.4 / 72 * self.scale))
        return tkfont.Font(root=self, family=_TK_FAMILY.get(style.font, "DejaVu Serif"),
                           size=-pixels, weight="bold" if style.bold else "normal",
                           slant="italic" if style.italic else "roman")

    def _draw_element(self, template: Template, e: AnyElement) -> None:
        tag = ("element", f"el:{e.id}")
        x0, y0 = self.to_px(e.x, e.y)
        x1, y1 = self.to_px(e.x + e.width, e.y + e.height)
        if isinstance(e, Line):
            self.create_line(x0, y0, x1, y1, width=max(1, e.thickness * self.scale),
                             fill=e.color, dash=(4, 2) if e.dash else (), tags=tag)
            return
        if isinstance(e, Box):
            self.create_rectangle(x0, y0, x1, y1, outline=e.color, fill=e.fill or "",
                                  width=max(1, e.thickness * self.scale), tags=tag)
            return
        if isinstance(e, Image):
            asset = template.assets.get(e.asset)
            photo = self._photo(asset.data, int(x1 - x0), int(y1 - y0),
                                keep_ratio=e.keep_ratio) if asset else None
            if photo is not None:
                self.create_image((x0 + x1) / 2, (y0 + y1) / 2, image=photo, tags=tag)
            self.create_rectangle(x0, y0, x1, y1, outline="#9aa5b1", dash=(2, 2), tags=tag)
            return
        if isinstance(e, QrCode):
            self.create_rectangle(x0, y0, x1, y1, outline="#333333", fill="#f2f2f2", tags=tag)
            step = (x1 - x0) / 7
            for i in range(7):
                for j in range(7):
                    if (i * 3 + j * 5) % 4 == 0 or i in (0, 6) or j in (0, 6):
                        self.create_rectangle(x0 + i * step, y0 + j * step,
                                              x0 + (i + 1) * step, y0 + (j + 1) * step,
                                              fill="#555555", outline="", tags=tag)
            return
        if isinstance(e, StaticText):
            text, outline = e.text, "#c8d0da"
        elif isinstance(e, DataField):
            text, outline = e.prefix + field_caption(template, e.path) + e.suffix, "#2f7dd1"
        elif isinstance(e, ComputedField):
            text, outline = f"{e.prefix}[@{e.name}]{e.suffix}", "#1f9d55"
        elif isinstance(e, Paragraph):
            text, outline = e.text, "#b7791f"
        else:
            return
        self.create_rectangle(x0, y0, x1, y1, outline=outline, dash=(3, 2), fill="",
                              tags=tag)
        style = e.style
        anchor = {"left": "nw", "justify": "nw", "center": "n", "right": "ne"}[style.align]
        tx = {"nw": x0 + 1, "n": (x0 + x1) / 2, "ne": x1 - 1}[anchor]
        self.create_text(tx, y0 + 1, text=text, anchor=anchor, width=max(8, x1 - x0 - 2),
                         font=self._font(e), fill=style.color,
                         justify={"nw": "left", "n": "center", "ne": "right"}[anchor],
                         tags=tag)

    def _draw_selection(self, template: Template) -> None:
        ids = set(self.editor.selection)
        page = template.pages[min(self.editor.page, len(template.pages) - 1)]
        chosen = [e for e in page.elements if e.id in ids]
        for e in chosen:
            x0, y0 = self.to_px(min(e.x, e.x + e.width), min(e.y, e.y + e.height))
            x1, y1 = self.to_px(max(e.x, e.x + e.width), max(e.y, e.y + e.height))
            first = e.id == self.editor.selection[0]
            self.create_rectangle(x0 - 1, y0 - 1, x1 + 1, y1 + 1,
                                  outline="#d9480f" if first else "#f08c00", width=2,
                                  tags=("selection",))
        if len(chosen) == 1:
            for name, (px, py) in self.handle_points(chosen[0]).items():
                self.create_rectangle(px - HANDLE_PX, py - HANDLE_PX, px + HANDLE_PX,
                                      py + HANDLE_PX, fill="white", outline="#d9480f",
                                      tags=("handle", f"handle:{name}"))

    def handle_points(self, e: AnyElement) -> dict[str, tuple[float, float]]:
        """Where each resize handle of ``e`` is, in canvas pixels."""
        x0, y0 = self.to_px(e.x, e.y)
        x1, y1 = self.to_px(e.x + e.width, e.y + e.height)
        xs = {-1: x0, 0: (x0 + x1) / 2, 1: x1}
        ys = {-1: y0, 0: (y0 + y1) / 2, 1: y1}
        return {name: (xs[hx], ys[hy]) for name, (hx, hy) in HANDLES.items()}

    # ---------------------------------------------------------------- mouse
    def _handle_at(self, x_px: float, y_px: float) -> str | None:
        if len(self.editor.selection) != 1:
            return None
        e = self.editor.element(self.editor.selection[0])
        cx, cy = self.canvasx(x_px), self.canvasy(y_px)
        for name, (px, py) in self.handle_points(e).items():
            if abs(px - cx) <= HANDLE_PX + 2 and abs(py - cy) <= HANDLE_PX + 2:
                return name
        return None

    def _press(self, event: tk.Event, add: bool = False) -> None:
        self.focus_set()
        x, y = self.to_mm(event.x, event.y)
        handle = None if add else self._handle_at(event.x, event.y)
        if handle is not None:
            self._drag = {"mode": "resize", "handle": handle, "x": x, "y": y,
                          "id": self.editor.selection[0]}
            return
        hit = self.editor.hit(x, y, tolerance=2 / self.scale)
        if hit is not None:
            if add:
                self.editor.select([hit.id], add=True)
            elif hit.id not in self.editor.selection:
                self.editor.select([hit.id])
            self._drag = {"mode": "move", "x": x, "y": y}
            self.on_status(tr("Selected: {ids}", ids=", ".join(self.editor.selection)))
            return
        if not add:
            self.editor.select([])
        self._drag = {"mode": "band", "x": x, "y": y, "add": add}

    def _motion(self, event: tk.Event) -> None:
        if self._drag is None:
            return
        x, y = self.to_mm(event.x, event.y)
        dx, dy = x - float(self._drag["x"]), y - float(self._drag["y"])  # type: ignore[arg-type]
        mode = self._drag["mode"]
        if mode == "move" and self.editor.selection:
            self._preview = self.editor.moved_template(self.editor.selection, dx, dy)
        elif mode == "resize":
            self._preview = self.editor.resized_template(str(self._drag["id"]),
                                                         str(self._drag["handle"]), dx, dy)
        elif mode == "band":
            self.redraw()
            ax, ay = self.to_px(float(self._drag["x"]), float(self._drag["y"]))  # type: ignore[arg-type]
            bx, by = self.to_px(x, y)
            self.create_rectangle(ax, ay, bx, by, outline="#1c7ed6", dash=(4, 2),
                                  tags=("band",))
            return
        self.redraw()

    def _release(self, event: tk.Event) -> None:
        drag, self._drag = self._drag, None
        preview, self._preview = self._preview, None
        if drag is None:
            return
        if drag["mode"] == "band":
            x, y = self.to_mm(event.x, event.y)
            ids = self.editor.inside(float(drag["x"]), float(drag["y"]), x, y)  # type: ignore[arg-type]
            self.editor.select(ids, add=bool(drag.get("add")))
        elif preview is not None:
            self.editor.change(preview)
        self.redraw()

    def _nudge(self, dx: float, dy: float, step: float) -> str:
        if self.editor.selection:
            self.editor.nudge(dx * step, dy * step)
        return "break"

    # ---------------------------------------------------------------- drops
    def drop(self, kind: str, x_root: int, y_root: int, *, path: str = "",
             label: str = "") -> str | None:
        """An element dragged from the palette and released at a screen point."""
        x, y = self.root_to_mm(x_root, y_root)
        width, height = self.editor.page_size()
        if not (0 <= x <= width and 0 <= y <= height):
            self.on_status(tr("Drop the element on the page"))
            return None
        element_id = self.editor.add(kind, x, y, path=path, label=label)
        self.focus_set()
        self.on_status(tr("Added {id}", id=element_id))
        return element_id
