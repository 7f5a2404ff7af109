"""Centre settings (officer): identity, fees, timeliness thresholds, session, database.

Each part is a page of a notebook, registered in ``SETTINGS_PAGES`` so that a
later feature (the transmission settings) adds its page without touching this
module: ``register_page(key, title, factory)``.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from decimal import Decimal
from tkinter import ttk
from typing import Any

from common.i18n import translator
from ecr_tk.labels import COPY_KINDS, copy_kind_label, event_label
from ecr_tk.services.settings import PLACE_SETTINGS
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register
from ecr_tk.ui.widgets import Form, entry, set_entry

tr = translator("ui")

PageFactory = Callable[[ttk.Notebook, Any], ttk.Frame]
#: key → (title function, page factory(notebook, view)); pages shown in this order.
SETTINGS_PAGES: dict[str, tuple[Callable[[], str], PageFactory]] = {}


def register_page(key: str, title: Callable[[], str], factory: PageFactory) -> None:
    SETTINGS_PAGES[key] = (title, factory)


@register("settings")
class SettingsView(View):
    permission = "settings.change"
    nav_order = 90

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Settings")

    def __init__(self, master: tk.Misc, bench: Any, **options: Any) -> None:
        super().__init__(master, bench, **options)
        self.notebook = ttk.Notebook(self)
        self.notebook.pack(fill="both", expand=True, pady=(8, 0))
        self.pages: dict[str, ttk.Frame] = {}
        for key, (title, factory) in SETTINGS_PAGES.items():
            page = factory(self.notebook, self)
            self.notebook.add(page, text=title())
            self.pages[key] = page

    @guarded
    def refresh(self) -> None:
        values = self.session.settings.all()
        for page in self.pages.values():
            loader = getattr(page, "load", None)
            if loader is not None:
                loader(values)


class IdentityPage(ttk.Frame):
    def __init__(self, master: tk.Misc, view: SettingsView) -> None:
        super().__init__(master, padding=12)
        self.view = view
        centre = view.session.centre
        self.form = Form(self, label_width=24)
        self.form.pack(anchor="w")
        code = self.form.add("code", tr("Centre code"), entry(10))
        set_entry(code, centre.code)
        code.state(["readonly"])  # type: ignore[attr-defined]
        self.name = self.form.add("name", tr("Centre name (in full, as printed)"), entry(40),
                                  required=True)
        # printed on every document: the heading, "Délivré à …", the area line
        labels = {"country_name": tr("Country (as printed)"),
                  "locality": tr("Town where documents are issued"),
                  "area_name": tr("Administrative area (as printed)")}
        self.place = {key: self.form.add(key, labels[key], entry(40)) for key in PLACE_SETTINGS}
        self.form.add_widget(ttk.Button(self.form, text=tr("Save"), style="Accent.TButton",
                                        command=self.save))

    def load(self, values: dict[str, Any]) -> None:
        set_entry(self.name, self.view.session.settings.centre().name)
        for key, widget in self.place.items():
            set_entry(widget, str(values.get(f"centre.{key}") or ""))

    @guarded
    def save(self) -> None:
        settings = self.view.session.settings
        settings.set_centre_name(self.name.get())  # type: ignore[attr-defined]
        stored = settings.place()
        for key, widget in self.place.items():
            value = " ".join(widget.get().split())  # type: ignore[attr-defined]
            if value != stored[key]:
                settings.set(f"centre.{key}", value)
        self.view.messages.info(tr("Centre name and place saved."))


class FeesPage(ttk.Frame):
    def __init__(self, master: tk.Misc, view: SettingsView) -> None:
        super().__init__(master, padding=12)
        self.view = view
        self.form = Form(self, label_width=28)
        self.form.pack(anchor="w")
        for kind in COPY_KINDS:
            self.form.add(kind, copy_kind_label(kind), entry(12))
        self.currency = ttk.Label(self.form, text="", style="Muted.TLabel")
        self.form.add_widget(self.currency)
        self.form.add_widget(ttk.Button(self.form, text=tr("Save the fees"),
                                        style="Accent.TButton", command=self.save))

    def load(self, _values: dict[str, Any]) -> None:
        fees = self.view.session.settings.fees()
        for kind, amount in fees.items():
            if kind in self.form.inputs:
                set_entry(self.form.inputs[kind], str(amount))
        self.currency.configure(text=tr("Currency: {currency}",
                                        currency=self.view.session.settings.currency()))

    @guarded
    def save(self) -> None:
        self.form.clear_messages()
        for kind in COPY_KINDS:
            text = self.form.inputs[kind].get().strip().replace(",", ".")  # type: ignore[attr-defined]
            try:
                amount = Decimal(text)
            except ArithmeticError:
                self.form.show_message(kind, tr("Type an amount, e.g. 500"))
                return
            self.view.session.settings.set_fee(kind, amount)
        self.view.messages.info(tr("Fees saved."))


class TimelinessPage(ttk.Frame):
    """Per event type: registration is current up to N days, late up to M, delayed beyond."""

    def __init__(self, master: tk.Misc, view: SettingsView) -> None:
        from common.acts.dictionary import EVENTS

        super().__init__(master, padding=12)
        self.view = view
        grid = ttk.Frame(self)
        grid.pack(anchor="w")
        ttk.Label(grid, text=tr("Event"), font="EcrBold").grid(row=0, column=0, sticky="w")
        ttk.Label(grid, text=tr("Current up to (days)"), font="EcrBold").grid(
            row=0, column=1, sticky="w", padx=8)
        ttk.Label(grid, text=tr("Late up to (days)"), font="EcrBold").grid(
            row=0, column=2, sticky="w", padx=8)
        self.inputs: dict[str, tuple[ttk.Entry, ttk.Entry]] = {}
        for row, key in enumerate(EVENTS, start=1):
            ttk.Label(grid, text=event_label(key)).grid(row=row, column=0, sticky="w", pady=2)
            current, late = ttk.Entry(grid, width=8), ttk.Entry(grid, width=8)
            current.grid(row=row, column=1, sticky="w", padx=8)
            late.grid(row=row, column=2, sticky="w", padx=8)
            self.inputs[key] = (current, late)
        ttk.Label(self, text=tr("Beyond the late period, a registration is delayed and needs "
                                "a court decision."), style="Muted.TLabel").pack(
            anchor="w", pady=(8, 0))
        idle = Form(self, label_width=28)
        idle.pack(anchor="w", pady=(12, 0))
        self.idle = idle.add("idle", tr("Lock a session after (minutes)"), entry(8))
        ttk.Button(self, text=tr("Save the thresholds"), style="Accent.TButton",
                   command=self.save).pack(anchor="w", pady=(10, 0))

    def load(self, values: dict[str, Any]) -> None:
        rules = self.view.session.settings.rules()
        for key, (current, late) in self.inputs.items():
            t = rules.timeliness_for(key)
            set_entry(current, str(t.current_days))
            set_entry(late, str(t.late_days))
        set_entry(self.idle, str(values.get("session.idle_minutes", "")))

    @guarded
    def save(self) -> None:
        settings = self.view.session.settings
        for key, (current, late) in self.inputs.items():
            c, late_text = current.get().strip(), late.get().strip()
            if not (c.isdigit() and late_text.isdigit()):
                self.view.messages.error(tr("{event}: type whole numbers of days",
                                            event=event_label(key)))
                return
            settings.set_timeliness(key, int(c), int(late_text))
        idle = self.idle.get().strip()  # type: ignore[attr-defined]
        if idle:
            if not idle.isdigit():
                self.view.messages.error(tr("Type a whole number of minutes"))
                return
            settings.set_session_idle_minutes(int(idle))
            self.view.bench.set_lock_after(max(1, int(idle)))
        self.view.messages.info(tr("Thresholds saved."))


class DatabasePage(ttk.Frame):
    """Where this workstation's database is (read-only: changed by ``ecr`` commands)."""

    def __init__(self, master: tk.Misc, view: SettingsView) -> None:
        super().__init__(master, padding=12)
        home = view.bench.app.home
        centre = view.bench.app.centre
        config = getattr(centre, "config", None)
        lines = [tr("Home folder: {path}", path=str(home.path) if home else "")]
        if config is not None:
            mode = tr("built-in database") if config.is_embedded else tr("centre's local server")
            lines.append(tr("Database: {mode}", mode=mode))
            lines.append(config.describe())
        self.text = ttk.Label(self, text="\n".join(lines), justify="left", wraplength=700)
        self.text.pack(anchor="w")
        ttk.Label(self, text=tr("Backups and moves of the database are done with the ecr "
                                "backup and ecr restore commands."),
                  style="Muted.TLabel", wraplength=700, justify="left").pack(anchor="w",
                                                                             pady=(10, 0))


class DocumentsPage(ttk.Frame):
    """The printed documents' templates: the print designer, from the officer's menu."""

    def __init__(self, master: tk.Misc, view: SettingsView) -> None:
        super().__init__(master, padding=12)
        self.view = view
        self.designer: Any = None
        ttk.Label(self, text=tr("Full copies, extracts and receipts are printed from "
                                "templates. The designer changes them by drag and drop; "
                                "each save is a new version, kept in the centre's database."),
                  wraplength=700, justify="left").pack(anchor="w")
        self.open_button = ttk.Button(self, text=tr("Open the document designer"),
                                      style="Accent.TButton", command=self.open_designer)
        self.open_button.pack(anchor="w", pady=(10, 0))

    @guarded
    def open_designer(self) -> None:
        try:
            from printdesigner.designer.app import open_designer
        except ImportError:
            self.view.messages.error(tr("The document designer is not installed on this "
                                        "computer."))
            return
        self.designer = open_designer(self, store=template_store(self.view.session))


def template_store(session: Any) -> Any:
    """The centre's document templates, read and saved as the logged-in user."""
    return session.templates()


register_page("identity", lambda: tr("Centre"), IdentityPage)
register_page("fees", lambda: tr("Fees"), FeesPage)
register_page("timeliness", lambda: tr("Deadlines and session"), TimelinessPage)
register_page("database", lambda: tr("Database"), DatabasePage)
register_page("documents", lambda: tr("Documents"), DocumentsPage)
