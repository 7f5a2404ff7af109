"""The views of the main window: one class per view, registered by id.

A view is a frame shown in the main window's content area.  It declares the
permission (``ecr_tk.services.permissions``) a user needs to see it at all: the
navigation lists only the views the user's role may use, so a button a role may
not use does not exist for that role.  Views talk to the services only through
``self.bench.session``; no view holds SQL or a business rule.
"""

from __future__ import annotations

import importlib
import tkinter as tk
from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING, Any, ClassVar

from common.errors import UserError
from ecr_tk.ui.widgets import MessageBar

if TYPE_CHECKING:
    from ecr_tk.ui.workbench import Workbench

#: Every view class, by id (``"queue.to_verify"``, ``"search"``…).
VIEWS: dict[str, type[View]] = {}

#: The modules that register views; importing them fills ``VIEWS``.
VIEW_MODULES = (
    "ecr_tk.ui.views.queues",
    "ecr_tk.ui.views.editor",
    "ecr_tk.ui.views.actview",
    "ecr_tk.ui.views.search",
    "ecr_tk.ui.views.national",
    "ecr_tk.ui.views.notices",
    "ecr_tk.ui.views.copies",
    "ecr_tk.ui.views.verify",
    "ecr_tk.ui.views.users",
    "ecr_tk.ui.views.settings",
    "ecr_tk.ui.views.transmission",
    "ecr_tk.ui.views.statistics",
)


def register(view_id: str) -> Callable[[type[View]], type[View]]:
    def add(cls: type[View]) -> type[View]:
        cls.view_id = view_id
        VIEWS[view_id] = cls
        return cls

    return add


def load_views() -> dict[str, type[View]]:
    for name in VIEW_MODULES:
        importlib.import_module(name)
    return VIEWS


class View(ttk.Frame):
    """Base of the views: a title, a message bar, and the error discipline."""

    view_id: ClassVar[str] = ""
    #: The permission needed to see the view (``None``: every logged-in user).
    permission: ClassVar[str | None] = None
    #: Shown in the navigation (``None``: reached from another view only).
    nav_order: ClassVar[int | None] = None

    def __init__(self, master: tk.Misc, bench: Workbench, **options: Any) -> None:
        super().__init__(master, padding=(12, 8))
        self.bench = bench
        self.options = options
        self.heading = ttk.Frame(self)
        self.heading.pack(fill="x")
        self.title_label = ttk.Label(self.heading, text=self.title(), style="Title.TLabel")
        self.title_label.pack(side="left")
        self.messages = MessageBar(self)
        self.messages.place_in(fill="x", pady=(6, 0), after=self.heading)

    @classmethod
    def nav_title(cls) -> str:
        """The view's name in the navigation."""
        return cls.title_for_nav()

    @classmethod
    def title_for_nav(cls) -> str:
        return cls.view_id

    def title(self) -> str:
        return self.title_for_nav()

    @property
    def session(self) -> Any:
        return self.bench.session

    def refresh(self) -> None:
        """Re-read what the view shows (called each time it is shown)."""

    def present_error(self, error: UserError) -> bool:
        self.messages.error(error.message)
        return True

    def shortcut(self, name: str) -> bool:
        """Handle a window shortcut (``save``, ``next``, ``cancel``); True if handled."""
        return False

    def can_leave(self) -> bool:
        """Asked before the view is replaced; a form with unsaved work keeps it safe."""
        return True

    def leaving(self) -> None:
        """The view is being replaced or the window closed: keep unsaved work safe."""
