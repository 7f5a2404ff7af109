"""The setup assistant: the first start of ECR on a computer.

Three choices, in the words of a centre: a new centre on this computer alone
(embedded database, nothing to install); a new centre whose database is on the
centre's local server; or this workstation joining the centre's local server
(it only needs the server's address).  Creating a centre goes through the same
service as ``ecr init`` (``Centre.init``); it runs in the background because
starting the embedded database takes a few seconds.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import TYPE_CHECKING, Any

from common.errors import UserError
from common.i18n import translator
from ecr_tk.ui.app import Background
from ecr_tk.ui.errors import guarded, report
from ecr_tk.ui.widgets import Form, entry

if TYPE_CHECKING:
    from ecr_tk.ui.app import Application

tr = translator("ui")

STANDALONE, SERVER, JOIN = "standalone", "server", "join"


def server_dsn(address: str, database: str, user: str, password: str) -> str:
    """A libpq address from what a person types: "192.168.1.10" or "srv:5433"."""
    import psycopg

    host, _, port = address.strip().partition(":")
    params: dict[str, Any] = {"host": host, "dbname": database.strip() or "ecr"}
    if port:
        params["port"] = port
    if user.strip():
        params["user"] = user.strip()
    if password:
        params["password"] = password
    return psycopg.conninfo.make_conninfo(**params)


class SetupAssistant(ttk.Frame):
    """Choose the kind of installation, fill in the centre and its officer, create."""

    def __init__(self, master: tk.Misc, app: Application) -> None:
        super().__init__(master)
        self.app = app
        self.busy: Background | None = None
        card = ttk.Frame(self, style="Card.TFrame", padding=(28, 20))
        card.place(relx=0.5, rely=0.5, anchor="center")
        ttk.Label(card, text=tr("Welcome to ECR"), style="Card.Title.TLabel").pack(anchor="w")
        ttk.Label(card, text=tr("This computer holds no centre yet. What do you want to do?"),
                  style="Card.TLabel").pack(anchor="w", pady=(4, 8))
        # a Tcl variable by name, not a tkinter.Variable (see widgets.CheckBox)
        self.mode_variable = f"ecr_setup_mode{id(self)}"
        self.setvar(self.mode_variable, STANDALONE)
        choices = (
            (STANDALONE, tr("Create a new centre on this computer only (built-in database)")),
            (SERVER, tr("Create a new centre on the centre's local server")),
            (JOIN, tr("Connect this workstation to the centre's local server")),
        )
        self.mode_buttons: dict[str, ttk.Radiobutton] = {}
        for key, text in choices:
            button = ttk.Radiobutton(card, text=text, value=key, variable=self.mode_variable,
                                     style="Card.TRadiobutton",
                                     command=self._mode_changed)
            button.pack(anchor="w")
            self.mode_buttons[key] = button
        self.centre_form = Form(card, label_width=34, style="CardBody.TFrame")
        f = self.centre_form
        f.add("centre_code", tr("Centre code (6 digits)"), entry(10), required=True)
        f.add("centre_name", tr("Centre name (in full, as printed)"), entry(36),
              required=True)
        f.add("officer_number", tr("Officer's user number"), entry(10), required=True)
        f.add("officer_name", tr("Officer's name"), entry(36), required=True)
        f.add("password", tr("Officer's password"), entry(24, secret=True), required=True,
              hint=tr("At least 8 characters"))
        f.add("password2", tr("Password again"), entry(24, secret=True), required=True)
        self.server_form = Form(card, label_width=34, style="CardBody.TFrame")
        s = self.server_form
        s.add("address", tr("Server address"), entry(30), required=True,
              hint=tr("e.g. 192.168.1.10 or server:5432"))
        s.add("database", tr("Database name"), entry(20))
        s.add("user", tr("Database user"), entry(20),
              hint=tr("to join: empty for the centre's application role (ecr_app_<database>)"))
        s.add("db_password", tr("Database password"), entry(24, secret=True))
        self.status = ttk.Label(card, text="", style="Card.Error.TLabel", wraplength=560,
                                justify="left")
        self.buttons = ttk.Frame(card, style="CardBody.TFrame")
        self.create_button = ttk.Button(self.buttons, text=tr("Create the centre"),
                                        style="Accent.TButton", command=self.submit)
        self.create_button.pack(side="right")
        self._mode_changed()
        # Entrée submits, as on every form a clerk meets
        for form in (self.centre_form, self.server_form):
            for widget in form.inputs.values():
                widget.bind("<Return>", lambda _e: self.submit())

    def mode(self) -> str:
        return str(self.getvar(self.mode_variable))

    def _mode_changed(self) -> None:
        mode = self.mode()
        for widget in (self.centre_form, self.server_form, self.status, self.buttons):
            widget.pack_forget()
        if mode != JOIN:
            self.centre_form.pack(anchor="w", pady=(12, 0))
        if mode != STANDALONE:
            self.server_form.pack(anchor="w", pady=(12, 0))
        self.status.pack(anchor="w", pady=(8, 0))
        self.buttons.pack(fill="x", pady=(10, 0))
        self.create_button.configure(
            text=tr("Connect") if mode == JOIN else tr("Create the centre"))

    def value(self, form: Form, key: str) -> str:
        widget = form.inputs[key]
        return str(widget.get())  # type: ignore[attr-defined]

    @guarded
    def submit(self) -> None:
        if self.busy is not None:
            return
        self.centre_form.clear_messages()
        self.server_form.clear_messages()
        self.status.configure(text="")
        mode = self.mode()
        dsn = None
        if mode != STANDALONE:
            address = self.value(self.server_form, "address")
            if not address.strip():
                self.server_form.show_message("address", tr("The server's address is required"))
                return
            user = self.value(self.server_form, "user")
            if mode == JOIN and not user.strip():
                # a workstation joins as the centre database's own application role
                from common.db.connect import app_role_name

                user = app_role_name(self.value(self.server_form, "database").strip() or "ecr")
            dsn = server_dsn(address, self.value(self.server_form, "database"), user,
                             self.value(self.server_form, "db_password"))
        if mode == JOIN:
            self._run(lambda: join_centre(self.app.home_arg, dsn or ""))
            return
        f = self.centre_form
        number = self.value(f, "officer_number").strip()
        from ecr_tk.services.centre import Centre

        # every refusal at once, each beside its field, in the order of the form
        problems = Centre.check_new_centre(
            self.value(f, "centre_code").strip(), self.value(f, "centre_name"),
            int(number) if number.isdigit() and len(number) <= 9 else None,
            self.value(f, "officer_name"), self.value(f, "password"))
        shown = False
        for exc in problems:
            key = _FIELDS.get(exc.field or "")
            if key is not None:  # the service gives one refusal a field at most
                f.show_message(key, exc.message)
                shown = True
        if number and not number.isdigit():
            f.show_message("officer_number", tr("A user number is made of digits"))
            shown = True
        if self.value(f, "password") != self.value(f, "password2"):
            f.show_message("password2", tr("The two passwords differ"))
            shown = True
        if shown:
            return

        args = dict(centre_code=self.value(f, "centre_code").strip(),
                    name=self.value(f, "centre_name"), officer_number=int(number),
                    officer_name=self.value(f, "officer_name"),
                    officer_password=self.value(f, "password"), dsn=dsn)
        self._run(lambda: Centre.init(self.app.home_arg, **args))  # type: ignore[arg-type]

    def _run(self, work: Any) -> None:
        self.status.configure(text=tr("Please wait: preparing the centre's database…"),
                              style="Card.Muted.TLabel")
        self.create_button.state(["disabled"])
        self.busy = Background(self, work, self._done, self._failed)

    def _done(self, centre: Any) -> None:
        self.busy = None
        self.app.setup_finished(centre)

    def _failed(self, exc: BaseException) -> None:
        self.busy = None
        self.create_button.state(["!disabled"])
        self.status.configure(text="")
        if isinstance(exc, UserError):
            key = _FIELDS.get(exc.field or "")
            form = self.server_form if key == "address" else self.centre_form
            if key is not None and key in form.inputs and form.winfo_ismapped():
                form.show_message(key, exc.message)
            else:
                self.status.configure(text=exc.message, style="Card.Error.TLabel")
            return
        report(self, exc)


# the service's field names → the assistant's inputs
_FIELDS = {"centre": "centre_code", "name": "centre_name", "officer": "officer_number",
           "officer_name": "officer_name", "password": "password", "database.dsn": "address"}


def join_centre(home: Any, dsn: str) -> Any:
    """Make this computer a workstation of the centre whose database is at ``dsn``."""
    from ecr_tk.home import CentreHome
    from ecr_tk.services.centre import Centre

    with Centre.open(home, dsn) as probe:  # the home does not exist yet: the DSN alone
        identity = probe.identity
    CentreHome.create(home, centre_code=identity.code, centre_name=identity.name, dsn=dsn)
    return Centre.open(home)
