"""User administration (officer): add, change privilege, suspend, reset password, unlock."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any

from common.i18n import translator
from ecr_tk.labels import ROLES, role_label
from ecr_tk.ui.dialogs import ask_text, confirm
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register
from ecr_tk.ui.widgets import ChoiceBox, Form, entry

tr = translator("ui")


def state_text(user: Any) -> str:
    if user.privilege == 0:
        return tr("Suspended")
    if user.locked:
        return tr("Locked (failed logins)")
    return tr("Active")


@register("users")
class UsersView(View):
    permission = "user.list"
    nav_order = 80

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Users")

    def __init__(self, master: tk.Misc, bench: Any, **options: Any) -> None:
        super().__init__(master, bench, **options)
        self.users: dict[str, Any] = {}
        columns = ("number", "name", "role", "privilege", "state")
        self.tree = ttk.Treeview(self, columns=columns, show="headings", height=9,
                                 selectmode="browse")
        for column, heading, width in (("number", tr("Number"), 80), ("name", tr("Name"), 240),
                                       ("role", tr("Role"), 170),
                                       ("privilege", tr("Privilege"), 80),
                                       ("state", tr("State"), 180)):
            self.tree.heading(column, text=heading, anchor="w")
            self.tree.column(column, width=width, stretch=column == "name")
        self.tree.pack(fill="x", pady=(8, 4))
        self.tree.bind("<<TreeviewSelect>>", lambda _e: self._selected())
        actions = ttk.Frame(self)
        actions.pack(fill="x")
        self.actions: dict[str, ttk.Button] = {}
        table = (("privilege", "user.set_privilege", tr("Change privilege…"),
                  self.change_privilege),
                 ("suspend", "user.set_privilege", tr("Suspend"), self.suspend),
                 ("password", "user.set_password", tr("Reset password…"), self.reset_password),
                 ("unlock", "user.unlock", tr("Unlock the account"), self.unlock))
        for key, permission, text, command in table:
            if self.session.can(permission):
                button = ttk.Button(actions, text=text, command=command)
                button.pack(side="left", padx=(0, 8))
                self.actions[key] = button
        self.add_form: Form | None = None
        if self.session.can("user.add"):
            ttk.Label(self, text=tr("Add a user"), style="Heading.TLabel").pack(
                anchor="w", pady=(16, 4))
            f = Form(self, label_width=20)
            f.pack(anchor="w")
            f.add("number", tr("User number"), entry(10), required=True)
            f.add("name", tr("Name"), entry(36), required=True)
            f.add("role", tr("Role"), lambda m: ChoiceBox(
                m, [(k, role_label(k)) for k in ROLES if k != "officer"], blank=False,
                width=20), required=True)
            f.inputs["role"].set_key("agent")  # type: ignore[attr-defined]
            f.add("password", tr("Password"), entry(24, secret=True), required=True,
                  hint=tr("At least 8 characters"))
            f.add_widget(ttk.Button(f, text=tr("Add the user"), style="Accent.TButton",
                                    command=self.add_user))
            self.add_form = f

    @guarded
    def refresh(self) -> None:
        self.tree.delete(*self.tree.get_children())
        self.users.clear()
        for user in self.session.users.list():
            iid = self.tree.insert("", "end", values=(user.number, user.name,
                                                      role_label(user.role), user.privilege,
                                                      state_text(user)))
            self.users[iid] = user

    def selected(self) -> Any | None:
        chosen = self.tree.selection()
        return self.users.get(chosen[0]) if chosen else None

    def select_number(self, number: int) -> None:
        for iid, user in self.users.items():
            if user.number == number:
                self.tree.selection_set(iid)
                self.tree.focus(iid)
                self.tree.see(iid)

    def _selected(self) -> None:
        self.messages.clear()

    def _need_user(self) -> Any | None:
        user = self.selected()
        if user is None:
            self.messages.error(tr("Select a user in the list first."))
        return user

    @guarded
    def add_user(self) -> None:
        assert self.add_form is not None
        f = self.add_form
        f.clear_messages()
        values = {k: w.get() for k, w in f.inputs.items() if k != "role"}  # type: ignore[attr-defined]
        if not values["number"].strip().isdigit():
            f.show_message("number", tr("A user number is made of digits"))
            return
        role = f.inputs["role"].get_key()  # type: ignore[attr-defined]
        user = self.session.users.add(int(values["number"]), values["name"], role,
                                      values["password"])
        for key in ("number", "name", "password"):
            f.inputs[key].delete(0, "end")  # type: ignore[attr-defined]
        self.refresh()
        self.select_number(user.number)
        self.messages.info(tr("User {number} ({name}) added.", number=user.number,
                              name=user.name))

    @guarded
    def change_privilege(self) -> None:
        user = self._need_user()
        if user is None:
            return
        text = ask_text(self, tr("Change privilege"),
                        tr("New privilege of {name} (0 suspends, 1 to 9):", name=user.name),
                        initial=str(user.privilege))
        if text is None:
            return
        if not text.strip().isdigit():
            self.messages.error(tr("A privilege is a number from 0 to 9."))
            return
        self.session.users.set_privilege(user.number, int(text))
        self.refresh()
        self.select_number(user.number)
        self.messages.info(tr("Privilege of {name} changed.", name=user.name))

    @guarded
    def suspend(self) -> None:
        user = self._need_user()
        if user is None:
            return
        if not confirm(self, tr("Suspend {name}?", name=user.name),
                       tr("The user can no longer log in, and an open session is refused "
                          "at its next action."), yes=tr("Suspend")):
            return
        self.session.users.suspend(user.number)
        self.refresh()
        self.select_number(user.number)
        self.messages.info(tr("{name} is suspended.", name=user.name))

    @guarded
    def reset_password(self) -> None:
        user = self._need_user()
        if user is None:
            return
        password = ask_text(self, tr("Reset password"),
                            tr("New password for {name} (at least 8 characters):",
                               name=user.name), secret=True)
        if password is None:
            return
        self.session.users.set_password(user.number, password)
        self.messages.info(tr("Password of {name} changed.", name=user.name))

    @guarded
    def unlock(self) -> None:
        user = self._need_user()
        if user is None:
            return
        self.session.users.unlock(user.number)
        self.refresh()
        self.select_number(user.number)
        self.messages.info(tr("{name} is unlocked.", name=user.name))
