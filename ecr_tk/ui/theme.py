"""One ttk theme for every window: readable on an old 1024×768 screen.

Built on ``clam`` (present on every Tk, same look on Windows and Linux) with a
few named styles the views use by name (``Error.TLabel``, ``Nav.TButton``…), so
no view sets colours or fonts of its own.  Sizes are in points, which Tk scales
with the screen's resolution.
"""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from tkinter import ttk

#: Colours, named by what they mean.
INK = "#1d2733"
MUTED = "#5b6775"
PAPER = "#f4f6f8"
CARD = "#ffffff"
ACCENT = "#1f5f99"
ACCENT_DARK = "#174a78"
NAV = "#243447"
NAV_ACTIVE = "#35506b"
ERROR = "#b3261e"
WARNING = "#8a5300"
OK = "#1e6b35"
REQUIRED = "#b3261e"
BORDER = "#c8d0d8"

#: The smallest screen the centres use; windows must fit it.
MIN_WIDTH, MIN_HEIGHT = 1000, 700


def apply_theme(root: tk.Misc) -> ttk.Style:
    """Configure fonts and styles once, on the application's root window."""
    base = tkfont.nametofont("TkDefaultFont")
    base.configure(size=10)
    for name in ("TkTextFont", "TkMenuFont"):
        tkfont.nametofont(name).configure(family=base.actual("family"), size=10)
    family = base.actual("family")
    _font(root, "EcrTitle", family, 14, "bold")
    _font(root, "EcrHeading", family, 11, "bold")
    _font(root, "EcrBold", family, 10, "bold")
    _font(root, "EcrSmall", family, 9, "normal")
    _font(root, "EcrCount", family, 9, "bold")

    style = ttk.Style(root)
    style.theme_use("clam")
    style.configure(".", background=PAPER, foreground=INK, font="TkDefaultFont")
    style.configure("TFrame", background=PAPER)
    style.configure("Card.TFrame", background=CARD, relief="solid", borderwidth=1)
    style.configure("CardBody.TFrame", background=CARD)
    style.configure("Card.TRadiobutton", background=CARD)
    style.map("Card.TRadiobutton", background=[("active", CARD)])
    style.configure("Card.TCheckbutton", background=CARD)
    style.configure("TLabel", background=PAPER, foreground=INK)
    style.configure("Card.TLabel", background=CARD)
    style.configure("Title.TLabel", font="EcrTitle", foreground=ACCENT_DARK)
    style.configure("Card.Title.TLabel", font="EcrTitle", foreground=ACCENT_DARK, background=CARD)
    style.configure("Heading.TLabel", font="EcrHeading", foreground=ACCENT_DARK)
    style.configure("Muted.TLabel", foreground=MUTED, font="EcrSmall")
    style.configure("Card.Muted.TLabel", foreground=MUTED, font="EcrSmall", background=CARD)
    style.configure("Error.TLabel", foreground=ERROR, font="EcrSmall")
    style.configure("Card.Error.TLabel", foreground=ERROR, font="EcrSmall", background=CARD)
    style.configure("Card.Required.TLabel", background=CARD)
    style.configure("Warning.TLabel", foreground=WARNING, font="EcrSmall")
    style.configure("Ok.TLabel", foreground=OK, font="EcrSmall")
    style.configure("Required.TLabel", foreground=INK)
    style.configure("Bar.TFrame", background=ACCENT_DARK)
    style.configure("Bar.TLabel", background=ACCENT_DARK, foreground="white")
    style.configure("BarBold.TLabel", background=ACCENT_DARK, foreground="white", font="EcrBold")
    style.configure("Nav.TFrame", background=NAV)
    style.configure("Nav.TLabel", background=NAV, foreground="#c9d6e3", font="EcrSmall")
    style.configure("Nav.TButton", background=NAV, foreground="white", anchor="w",
                    borderwidth=0, padding=(12, 6), font="TkDefaultFont")
    style.map("Nav.TButton", background=[("pressed", NAV_ACTIVE), ("active", NAV_ACTIVE)],
              foreground=[("disabled", "#7f8c99")])
    style.configure("NavCurrent.TButton", background=NAV_ACTIVE, foreground="white", anchor="w",
                    borderwidth=0, padding=(12, 6), font="EcrBold")
    style.map("NavCurrent.TButton", background=[("active", NAV_ACTIVE)])
    style.configure("TButton", padding=(10, 4))
    style.configure("Small.TButton", padding=(2, 0))
    style.configure("Accent.TButton", background=ACCENT, foreground="white", padding=(12, 4))
    style.map("Accent.TButton", background=[("pressed", ACCENT_DARK), ("active", ACCENT_DARK),
                                            ("disabled", BORDER)])
    style.configure("Danger.TButton", foreground=ERROR)
    style.configure("TLabelframe", background=PAPER, bordercolor=BORDER)
    style.configure("TLabelframe.Label", background=PAPER, foreground=ACCENT_DARK,
                    font="EcrHeading")
    style.configure("Group.TLabelframe", background=PAPER)
    style.configure("Group.TLabelframe.Label", background=PAPER, foreground=INK, font="EcrBold")
    style.configure("Treeview", rowheight=24, fieldbackground=CARD, background=CARD)
    style.configure("Treeview.Heading", font="EcrBold")
    style.configure("Invalid.TEntry", fieldbackground="#fde7e6", bordercolor=ERROR)
    # a read-only dropdown is a normal field, not a greyed-out one
    style.map("TCombobox", fieldbackground=[("readonly", CARD), ("disabled", PAPER)],
              foreground=[("readonly", INK)], selectbackground=[("readonly", CARD)],
              selectforeground=[("readonly", INK)])
    style.configure("Invalid.TCombobox", fieldbackground="#fde7e6", bordercolor=ERROR)
    style.map("Invalid.TCombobox", fieldbackground=[("readonly", "#fde7e6")])
    style.configure("TEntry", fieldbackground=CARD)
    style.configure("Message.TFrame", background="#fde7e6")
    style.configure("Message.TLabel", background="#fde7e6", foreground=ERROR)
    style.configure("Info.TFrame", background="#e5f0e8")
    style.configure("Info.TLabel", background="#e5f0e8", foreground=OK)
    style.configure("Count.TLabel", background="#d9e5f1", foreground=ACCENT_DARK,
                    font="EcrCount", padding=(6, 0))
    style.configure("NavCount.TLabel", background=NAV, foreground="#ffd479", font="EcrCount")
    if isinstance(root, tk.Tk | tk.Toplevel):
        root.configure(background=PAPER)
    root.option_add("*TCombobox*Listbox.font", "TkDefaultFont")
    return style


def _font(root: tk.Misc, name: str, family: str, size: int, weight: str) -> None:
    """A named font, made in Tcl directly.

    Not ``tkinter.font.Font``: that object deletes its font when it is garbage
    collected, after which every style naming it silently falls back to a default.
    """
    options = ("-family", family, "-size", size, "-weight", weight)
    if name in root.tk.splitlist(root.tk.call("font", "names")):
        root.tk.call("font", "configure", name, *options)
    else:
        root.tk.call("font", "create", name, *options)
