"""The print designer driven like a person: real Tk windows under Xvfb, real mouse events."""

from __future__ import annotations

import time
import tkinter as tk
from collections.abc import Iterator
from pathlib import Path

import pytest

from printdesigner.designer.app import DesignerWindow
from printdesigner.designer.canvas import DesignCanvas
from printdesigner.designer.editor import Editor
from printdesigner.designer.sample import sample_context
from printdesigner.model import DataField, Page, StaticText, Template
from printdesigner.render import render
from printdesigner.schema import import_file
from tests.printdesigner.pdfread import word_boxes

pytestmark = pytest.mark.gui


@pytest.fixture
def root(xvfb_display: str) -> Iterator[tk.Tk]:
    window = tk.Tk()
    window.geometry("1400x900+0+0")
    errors: list[BaseException] = []
    window.report_callback_exception = lambda _t, exc, _tb: errors.append(exc)  # type: ignore[method-assign]
    yield window
    try:
        window.destroy()
    except tk.TclError:
        pass
    assert not errors, errors


def pump(root: tk.Misc, seconds: float = 0.05) -> None:
    end = time.monotonic() + seconds
    while True:
        root.update()
        if time.monotonic() >= end:
            break
        time.sleep(0.01)


def empty_birth_template() -> Template:
    return Template(key="test.designer", name="Essai", event_type="birth",
                    pages=(Page((StaticText("title", 20, 10, 170, 10, text="EXTRAIT"),)),))


class Mouse:
    """A person's mouse on the designer: press, move in steps, release, on real widgets."""

    def __init__(self, root: tk.Tk) -> None:
        self.root = root

    def drag(self, widget: tk.Misc, start: tuple[float, float], end_widget: tk.Misc,
             end: tuple[float, float], steps: int = 6) -> None:
        sx, sy = int(start[0]), int(start[1])
        widget.event_generate("<Motion>", x=sx, y=sy, warp=True)
        widget.event_generate("<ButtonPress-1>", x=sx, y=sy, button=1)
        pump(self.root)
        # end point in the pressed widget's coordinates (the pointer stays grabbed by it)
        ex = end_widget.winfo_rootx() + int(end[0]) - widget.winfo_rootx()
        ey = end_widget.winfo_rooty() + int(end[1]) - widget.winfo_rooty()
        for i in range(1, steps + 1):
            x, y = sx + (ex - sx) * i // steps, sy + (ey - sy) * i // steps
            widget.event_generate("<B1-Motion>", x=x, y=y, state=0x100,
                                  rootx=widget.winfo_rootx() + x, rooty=widget.winfo_rooty() + y)
            pump(self.root, 0.01)
        widget.event_generate("<ButtonRelease-1>", x=ex, y=ey, button=1,
                              rootx=widget.winfo_rootx() + ex, rooty=widget.winfo_rooty() + ey)
        pump(self.root)


def px(canvas: DesignCanvas, x_mm: float, y_mm: float) -> tuple[float, float]:
    x, y = canvas.to_px(x_mm, y_mm)
    return x - canvas.canvasx(0), y - canvas.canvasy(0)


def test_a_field_is_dragged_on_moved_resized_undone_saved_and_printed_where_placed(
        root: tk.Tk, tmp_path: Path) -> None:
    path = tmp_path / "extrait.json"
    window = DesignerWindow(root, empty_birth_template(), path=path)
    pump(root, 0.3)
    canvas, palette, mouse = window.canvas, window.palette, Mouse(root)

    # 1. drag "Enfant › Nom" from the dictionary's fields onto the page at (40, 60) mm
    item = palette.item_for_path("child.surname")
    pump(root)
    bx, by, bw, bh = palette.tree.bbox(item)
    mouse.drag(palette.tree, (bx + bw / 2, by + bh / 2), canvas, px(canvas, 40, 60))
    fields = [e for e in window.editor.elements() if isinstance(e, DataField)]
    assert [f.path for f in fields] == ["child.surname"]
    field = fields[0]
    assert (field.x, field.y) == (40, 60)
    assert window.editor.selection == [field.id]

    # 2. move it by dragging its middle 30 mm right and 20 mm down
    mouse.drag(canvas, px(canvas, field.x + 10, field.y + 3), canvas,
               px(canvas, field.x + 40, field.y + 23))
    moved = window.editor.element(field.id)
    assert (moved.x, moved.y) == (70, 80)

    # 3. resize it with its bottom-right handle: 20 mm wider, 4 mm taller
    hx, hy = canvas.handle_points(moved)["se"]
    start = (hx - canvas.canvasx(0), hy - canvas.canvasy(0))
    mouse.drag(canvas, start, canvas, (start[0] + 20 * canvas.scale, start[1] + 4 * canvas.scale))
    resized = window.editor.element(field.id)
    assert (resized.x, resized.y, resized.width, resized.height) == (70, 80, 80, 10)

    # 4. undo the resize with the keyboard
    canvas.focus_force()
    canvas.event_generate("<Control-z>")
    pump(root)
    undone = window.editor.element(field.id)
    assert (undone.x, undone.y, undone.width, undone.height) == (70, 80, 60, 6)

    # 5. nudge it with the arrow keys, then save with Ctrl+S: version 2 on disk
    canvas.event_generate("<Right>")
    canvas.event_generate("<Down>")
    pump(root)
    canvas.event_generate("<Control-s>")
    pump(root, 0.2)
    saved = import_file(path)
    assert saved.version == 2
    printed = next(e for _, e in saved.elements() if isinstance(e, DataField))
    assert (printed.x, printed.y, printed.width, printed.height) == (71, 81, 60, 6)
    assert not window.editor.dirty and "*" not in root.title()

    # 6. the saved template prints the child's surname at that place
    ctx = sample_context(saved)
    surname = str(ctx.data["child"]["surname"]).upper()
    boxes = [b for b in word_boxes(render(saved, ctx).pdf) if b.text in surname.split()]
    assert boxes, surname
    assert boxes[0].x_mm == pytest.approx(71, abs=0.8)
    assert 81 - 0.5 <= boxes[0].y_mm <= 81 + 3


def test_several_elements_are_selected_with_a_rubber_band_and_aligned(root: tk.Tk) -> None:
    template = Template(key="t", name="T", pages=(Page((
        StaticText("a", 20, 20, 40, 6, text="A"), StaticText("b", 35, 40, 30, 6, text="B"),
        StaticText("c", 50, 60, 20, 6, text="C"))),))
    window = DesignerWindow(root, template)
    pump(root, 0.2)
    canvas = window.canvas
    Mouse(root).drag(canvas, px(canvas, 10, 10), canvas, px(canvas, 100, 80))
    assert sorted(window.editor.selection) == ["a", "b", "c"]
    canvas.focus_force()
    window.editor.select(["a", "b", "c"])
    window.editor.align("left")
    pump(root)
    assert [window.editor.element(i).x for i in "abc"] == [20, 20, 20]
    window.editor.undo()
    assert [window.editor.element(i).x for i in "abc"] == [20, 35, 50]


def test_the_properties_panel_edits_and_refuses_a_bad_value(root: tk.Tk) -> None:
    template = Template(key="t", name="T", pages=(Page((
        StaticText("a", 20, 20, 40, 6, text="A"),)),))
    window = DesignerWindow(root, template)
    pump(root, 0.2)
    window.editor.select(["a"])
    pump(root)
    var, _kind = window.properties.inputs["style.size"]
    var.set("14")
    window.properties.apply("style.size")
    assert window.editor.element("a").style.size == 14  # type: ignore[attr-defined]
    var, _kind = window.properties.inputs["width"]
    var.set("900")
    window.properties.apply("width")
    assert window.editor.element("a").width == 40
    assert "width" in window.status.get()


def test_the_editor_snaps_to_the_grid_and_keeps_qr_codes_square() -> None:
    template = Template(key="t", name="T", pages=(Page(),))
    editor = Editor(template, grid_mm=5)
    element_id = editor.add("qr", 12.4, 18.1)
    assert (editor.element(element_id).x, editor.element(element_id).y) == (10, 20)
    editor.resize(element_id, "se", 7, 1)
    qr = editor.element(element_id)
    assert qr.width == qr.height
    editor.undo()
    editor.undo()
    assert editor.elements() == ()
    editor.redo()
    assert len(editor.elements()) == 1


def test_an_image_dropped_joins_the_assets_and_one_undo_removes_both() -> None:
    from printdesigner.defaults import emblem_png

    editor = Editor(Template(key="t", name="T", pages=(Page(),)))
    element_id = editor.add_image(30, 30, emblem_png())
    assert editor.element(element_id).asset in editor.template.assets  # type: ignore[attr-defined]
    editor.undo()
    assert editor.template.assets == {} and editor.elements() == ()


def test_with_nothing_selected_the_panel_edits_the_document_itself(root: tk.Tk) -> None:
    window = DesignerWindow(root, empty_birth_template())
    pump(root, 0.2)
    window.editor.select([])
    pump(root)
    var, _kind = window.properties.inputs["doc.size"]
    var.set("A5")  # the 170 mm title would stick out of an A5 page: refused, said
    window.properties.apply_document("doc.size")
    assert window.editor.template.page.size == "A4"
    assert "title" in window.status.get()
    var, _kind = window.properties.inputs["doc.size"]
    var.set("A3")
    window.properties.apply_document("doc.size")
    assert window.editor.template.page.dimensions() == (297, 420)
    var, _kind = window.properties.inputs["doc.watermark"]
    var.set("DUPLICATA")
    window.properties.apply_document("doc.watermark")
    assert window.editor.template.watermark is not None
    assert window.editor.template.watermark.text == "DUPLICATA"
    window.editor.undo()
    window.editor.undo()
    assert window.editor.template == empty_birth_template()


def test_ctrl_d_duplicates_the_selection_beside_it(root: tk.Tk) -> None:
    window = DesignerWindow(root, empty_birth_template())
    pump(root, 0.2)
    window.editor.select(["title"])
    window.canvas.focus_force()
    window.canvas.event_generate("<Control-d>")
    pump(root)
    copies = window.editor.selection
    assert len(copies) == 1 and copies[0] != "title"
    copy = window.editor.element(copies[0])
    assert (copy.x, copy.y) == (25, 15)


def test_a_scanned_form_is_shown_behind_the_page_and_never_printed(root: tk.Tk) -> None:
    import io

    from PIL import Image as PilImage

    from printdesigner.binding import PrintContext

    scan = io.BytesIO()
    PilImage.new("RGB", (420, 594), (230, 220, 200)).save(scan, format="PNG")
    window = DesignerWindow(root, empty_birth_template())
    pump(root, 0.2)
    window.set_background(scan.getvalue())
    pump(root)
    assert window.editor.template.mode == "preprinted"
    assert window.canvas.find_withtag("background")
    pdf = render(window.editor.template, PrintContext("birth", {})).pdf
    assert b"/Subtype /Image" not in pdf
