"""The print designer window (``ecr-designer``, and the officer's menu of the centre GUI).

One window: a toolbar, the palette on the left, the page in the middle, the
properties on the right, a status line.  Saving goes to the centre database
when the window was opened with a ``TemplateStore`` (a new version each time),
else to the template file.  Errors a person can act on (a refused value, a
refused save) are shown as they are; anything else is reported as a bug and
the window carries on.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import subprocess
import tempfile
import tkinter as tk
from collections.abc import Callable, Sequence
from pathlib import Path
from tkinter import filedialog, messagebox, ttk

from common.errors import UserError
from common.i18n import set_language, translator
from printdesigner.designer.canvas import DesignCanvas
from printdesigner.designer.editor import ALIGNMENTS, Editor
from printdesigner.designer.panels import Palette, PropertiesPanel
from printdesigner.model import Asset, Background, Page, PageSize, Template
from printdesigner.schema import export_file, import_file

tr = translator("print")
log = logging.getLogger("ecr.designer")


def blank_template() -> Template:
    return Template(key="custom.document", name=tr("New document"), pages=(Page(),),
                    page=PageSize("A4"))


class DesignerWindow:
    """The designer, inside ``master`` (a Tk root or a Toplevel)."""

    def __init__(self, master: tk.Tk | tk.Toplevel, template: Template, *,
                 path: Path | None = None, store: object | None = None,
                 stored_version: int | None = None,
                 on_saved: Callable[[Template], None] | None = None) -> None:
        self.master = master
        self.path = path
        self.store = store
        self.stored_version = stored_version
        self.on_saved = on_saved
        self.editor = Editor(template)
        self.status = tk.StringVar(master, value="")
        master.title(self._title())
        master.report_callback_exception = self._report  # type: ignore[method-assign]
        self._toolbar()
        body = ttk.Frame(master)
        body.pack(fill="both", expand=True)
        left = ttk.Frame(body, width=240)
        right = ttk.Frame(body, width=280)
        left.pack(side="left", fill="y")
        left.pack_propagate(False)
        right.pack(side="right", fill="y")
        right.pack_propagate(False)
        middle = ttk.Frame(body)
        middle.pack(side="left", fill="both", expand=True)
        self.canvas = DesignCanvas(middle, self.editor, on_status=self.status.set)
        xs = ttk.Scrollbar(middle, orient="horizontal", command=self.canvas.xview)
        ys = ttk.Scrollbar(middle, orient="vertical", command=self.canvas.yview)
        self.canvas.configure(xscrollcommand=xs.set, yscrollcommand=ys.set)
        ys.pack(side="right", fill="y")
        xs.pack(side="bottom", fill="x")
        self.canvas.pack(fill="both", expand=True)
        self.palette = Palette(left, self.editor, self.canvas, ask_image=self._ask_image)
        self.palette.pack(fill="both", expand=True)
        self.properties = PropertiesPanel(right, self.editor, self.status.set)
        self.properties.pack(fill="both", expand=True)
        ttk.Label(master, textvariable=self.status, anchor="w", padding=(6, 2)).pack(
            fill="x", side="bottom")
        self.editor.listeners.append(lambda: master.title(self._title()))
        master.bind_all("<Control-s>", lambda _e: self.save())
        self.canvas.focus_set()

    # ---------------------------------------------------------------- chrome
    def _title(self) -> str:
        t = self.editor.template
        star = "*" if self.editor.dirty else ""
        return tr("{star}{name} — version {version} — ECR print designer", star=star,
                  name=t.name, version=t.version)

    def _toolbar(self) -> None:
        bar = ttk.Frame(self.master, padding=(4, 2))
        bar.pack(fill="x")
        buttons: list[tuple[str, Callable[[], None]]] = [
            (tr("Open…"), self.open_file), (tr("Save"), self.save),
            (tr("Export…"), self.export), (tr("Preview"), self.preview),
            (tr("Undo"), self.editor.undo), (tr("Redo"), self.editor.redo),
            (tr("Delete"), self.editor.delete),
            (tr("Zoom +"), lambda: self.canvas.set_zoom(self.canvas.scale * 1.25)),
            (tr("Zoom −"), lambda: self.canvas.set_zoom(self.canvas.scale / 1.25)),
            (tr("Grid"), self.toggle_grid), (tr("Snap"), self.toggle_snap),
            (tr("Page +"), self.editor.add_page),
            (tr("◀ Page"), lambda: self.editor.go_to_page(self.editor.page - 1)),
            (tr("Page ▶"), lambda: self.editor.go_to_page(self.editor.page + 1)),
            (tr("Scanned form…"), self.choose_background),
        ]
        if self.store is not None:
            buttons.insert(0, (tr("Centre templates…"), self.open_from_centre))
        self.buttons: dict[str, ttk.Button] = {}
        for text, command in buttons:
            button = ttk.Button(bar, text=text, command=command, style="Toolbutton")
            button.pack(side="left", padx=1)
            self.buttons[text] = button
        align = ttk.Menubutton(bar, text=tr("Align"))
        menu = tk.Menu(align, tearoff=False)
        labels = {"left": tr("Left edges"), "right": tr("Right edges"), "top": tr("Tops"),
                  "bottom": tr("Bottoms"), "hcenter": tr("Centres (horizontal)"),
                  "vcenter": tr("Centres (vertical)")}
        for how in ALIGNMENTS:
            menu.add_command(label=labels[how], command=lambda h=how: self.editor.align(h))
        align["menu"] = menu
        align.pack(side="left", padx=4)

    def _report(self, kind: type[BaseException], exc: BaseException, tb: object) -> None:
        if isinstance(exc, UserError):
            self.status.set(exc.message)
            messagebox.showerror(tr("ECR print designer"), exc.message, parent=self.master)
            return
        log.error("designer: internal error", exc_info=(kind, exc, tb))  # type: ignore[arg-type]
        self.status.set(tr("Internal error (a bug): please report it"))

    def _ask_image(self) -> bytes | None:
        name = filedialog.askopenfilename(parent=self.master, filetypes=[
            (tr("Images"), "*.png *.jpg *.jpeg")])
        return Path(name).read_bytes() if name else None

    def toggle_grid(self) -> None:
        self.canvas.show_grid = not self.canvas.show_grid
        self.canvas.redraw()

    def toggle_snap(self) -> None:
        self.editor.snap_on = not self.editor.snap_on
        self.status.set(tr("Snap to grid on") if self.editor.snap_on else tr("Snap to grid off"))

    # ---------------------------------------------------------------- files
    def open_file(self) -> None:
        name = filedialog.askopenfilename(parent=self.master, filetypes=[
            (tr("ECR templates"), "*.json"), (tr("All files"), "*")])
        if name:
            self.load(import_file(Path(name)), Path(name))

    def load(self, template: Template, path: Path | None = None) -> None:
        self.path = path
        self.editor = Editor(template)
        self.canvas.editor = self.editor
        self.palette.editor = self.editor
        self.properties.editor = self.editor
        self.editor.listeners += [self.canvas.redraw, self.properties.refresh,
                                  lambda: self.master.title(self._title())]
        self.palette.fill()
        self.canvas.redraw()
        self.properties.refresh()
        self.master.title(self._title())

    def centre_choices(self) -> list[tuple[str, str, int | None]]:
        """(key, label, stored version) of the centre's templates, then the defaults."""
        from printdesigner.defaults import DOCUMENT_KINDS

        stored = self.store.list() if self.store is not None else []  # type: ignore[attr-defined]
        out = [(s.key, tr("{name} (version {version})", name=s.name, version=s.version),
                s.version) for s in stored]
        known = {s.key for s in stored}
        from common.acts.dictionary import EVENTS
        from printdesigner.defaults import kinds_for

        for key, event in EVENTS.items():
            for kind in DOCUMENT_KINDS:
                if kind in kinds_for(event) and f"{key}.{kind}" not in known:
                    out.append((f"{key}.{kind}", tr("{event}: {kind} (default)",
                                                    event=event.label(), kind=kind), None))
        return out

    def load_choice(self, key: str, version: int | None) -> None:
        """Open a centre template (``version`` given) or a default document."""
        if version is not None:
            template = self.store.get(key)  # type: ignore[attr-defined]
        else:
            from printdesigner.defaults import default_template

            event, kind = key.split(".", 1)
            template = default_template(event, kind)
        self.stored_version = version
        self.load(template)

    def open_from_centre(self) -> None:
        window = tk.Toplevel(self.master)
        window.title(tr("Centre templates"))
        tree = ttk.Treeview(window, columns=("label",), show="tree headings", height=24)
        tree.heading("#0", text=tr("Key"))
        tree.heading("label", text=tr("Document"))
        tree.column("#0", width=200)
        tree.column("label", width=420)
        tree.pack(fill="both", expand=True)
        choices = {}
        for key, label, version in self.centre_choices():
            choices[tree.insert("", "end", text=key, values=(label,))] = (key, version)

        def choose(_event: object = None) -> None:
            selected = tree.selection()
            if selected:
                self.load_choice(*choices[selected[0]])
                window.destroy()

        tree.bind("<Double-1>", choose)
        ttk.Button(window, text=tr("Open"), command=choose).pack(anchor="e", padx=6, pady=6)

    def export(self) -> None:
        name = filedialog.asksaveasfilename(
            parent=self.master, defaultextension=".json",
            initialfile=f"{self.editor.template.key}.json",
            filetypes=[(tr("ECR templates"), "*.json")])
        if name:
            export_file(self.editor.template, Path(name))
            self.status.set(tr("Exported to {path}", path=name))

    def save(self) -> Template:
        """Save a new version: in the centre database if opened from it, else in the file."""
        template = Editor.check(self.editor.template)
        if self.store is not None:
            stored = self.store.save(template, self.stored_version)  # type: ignore[attr-defined]
            self.stored_version = stored.version
        else:
            if self.path is None:
                name = filedialog.asksaveasfilename(
                    parent=self.master, defaultextension=".json",
                    initialfile=f"{template.key}.json")
                if not name:
                    return template
                self.path = Path(name)
            stored = dataclasses.replace(template, version=template.version + (
                1 if self.editor.dirty or not self.path.exists() else 0))
            export_file(stored, self.path)
        self.editor.mark_saved(stored)
        self.status.set(tr("Saved version {version}", version=stored.version))
        if self.on_saved is not None:
            self.on_saved(stored)
        return stored

    def choose_background(self) -> None:
        """Pre-printed mode: show a scanned paper form behind the page (never printed)."""
        name = filedialog.askopenfilename(parent=self.master, filetypes=[
            (tr("Images"), "*.png *.jpg *.jpeg")])
        if name:
            self.set_background(Path(name).read_bytes())

    def set_background(self, data: bytes) -> None:
        media = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        t = self.editor.template
        assets = {**t.assets, "scanned-form": Asset(media, data)}
        self.editor.set_template(assets=assets, background=Background("scanned-form"),
                                 mode="preprinted")

    # ---------------------------------------------------------------- preview
    def preview_pdf(self) -> bytes:
        """The template rendered with a sample act of its event (or with no act)."""
        from printdesigner.binding import PrintContext
        from printdesigner.render import render

        t = self.editor.template
        ctx = PrintContext(None, {})
        if t.event_type:
            from printdesigner.designer.sample import sample_context

            ctx = sample_context(t)
        return render(t, ctx).pdf

    def preview(self) -> None:
        pdf = self.preview_pdf()
        folder = Path(tempfile.mkdtemp(prefix="ecr-preview-"))
        (folder / "preview.pdf").write_bytes(pdf)
        try:
            subprocess.run(["pdftoppm", "-r", "60", "-png",  # noqa: S603, S607
                            str(folder / "preview.pdf"), str(folder / "page")],
                           check=True, timeout=60, capture_output=True)
        except (OSError, subprocess.SubprocessError):
            self.status.set(tr("Preview written to {path}", path=str(folder / "preview.pdf")))
            return
        window = tk.Toplevel(self.master)
        window.title(tr("Preview — {name}", name=self.editor.template.name))
        images = [tk.PhotoImage(master=window, file=str(p))
                  for p in sorted(folder.glob("page*.png"))]
        canvas = tk.Canvas(window, width=520, height=720, background="#777777")
        canvas.pack(fill="both", expand=True)
        y = 10
        for image in images:
            canvas.create_image(10, y, image=image, anchor="nw")
            y += image.height() + 10
        canvas.configure(scrollregion=(0, 0, 540, y))
        window.images = images  # type: ignore[attr-defined]


def open_designer(master: tk.Misc, template: Template | None = None, *,
                  store: object | None = None, stored_version: int | None = None,
                  on_saved: Callable[[Template], None] | None = None) -> DesignerWindow:
    """Open the designer in a new window (the officer's menu entry of the centre GUI)."""
    window = tk.Toplevel(master)
    window.geometry("1400x900")
    designer = DesignerWindow(window, template or blank_template(), store=store,
                              stored_version=stored_version, on_saved=on_saved)
    if template is None and store is not None:
        designer.open_from_centre()
    return designer


def _initial_template(args: argparse.Namespace) -> tuple[Template, Path | None]:
    if args.file and Path(args.file).exists():
        return import_file(Path(args.file)), Path(args.file)
    if args.event:
        from printdesigner.defaults import default_template

        return default_template(args.event, args.kind, args.lang or "fr"), (
            Path(args.file) if args.file else None)
    return blank_template(), Path(args.file) if args.file else None


def main(argv: Sequence[str] | None = None) -> int:
    """``ecr-designer [FILE] [--event EVENT --kind KIND]``: design a printed document."""
    parser = argparse.ArgumentParser(prog="ecr-designer",
                                     description=tr("ECR print designer"))
    parser.add_argument("file", nargs="?", help=tr("template file to open or create (JSON)"))
    parser.add_argument("--event", help=tr("start from the default document of this event"))
    parser.add_argument("--kind", default="full",
                        choices=("full", "extract", "extract_filiation", "receipt",
                                 "register_page"), help=tr("kind of default document"))
    parser.add_argument("--lang", choices=("fr", "en"), default=None,
                        help=tr("language of the interface"))
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    try:
        template, path = _initial_template(args)
    except UserError as exc:
        print(f"ecr-designer: {exc.message}")
        return 1
    except KeyError as exc:
        print(f"ecr-designer: {exc}")
        return 1
    root = tk.Tk()
    root.geometry("1400x900")
    DesignerWindow(root, template, path=path)
    root.mainloop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
