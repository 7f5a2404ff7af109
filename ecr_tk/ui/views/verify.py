"""Checking a copy someone presents: its PDF, a scan or photo, or the code a phone read.

The verdict is ``printdesigner.verification``'s, with the country's CA
certificates and the latest revocation list from the centre's keys folder.
The screen says plainly what was checked: only the PDF of a copy is compared
page by page with what its code certifies; for a scan, a photo or a decoded
code, it lists every value the code certifies, for the person at the counter to
compare with the paper line by line.  Nothing here reads or writes the database.
"""

from __future__ import annotations

import tkinter as tk
from pathlib import Path
from tkinter import filedialog, ttk
from typing import Any

from common.errors import UserError
from common.i18n import translator
from ecr_tk.ui.errors import guarded
from ecr_tk.ui.views import View, register

tr = translator("ui")


@register("verify")
class VerifyView(View):
    permission = None  # anyone at the counter may check a paper
    nav_order = 65

    @classmethod
    def title_for_nav(cls) -> str:
        return tr("Verify a copy")

    def __init__(self, master: tk.Misc, bench: Any) -> None:
        super().__init__(master, bench)
        self.result: Any = None
        self.explanation = ttk.Label(self, wraplength=780, justify="left", text=tr(
            "The PDF of a copy is compared page by page with what its QR code certifies. "
            "A scan, a photo or the code read by a phone proves only the code: the values it "
            "certifies are then listed below; compare each of them with the paper. Any "
            "difference means a forgery."))
        self.explanation.pack(anchor="w", pady=(8, 6))
        row = ttk.Frame(self)
        row.pack(anchor="w", fill="x")
        self.open_button = ttk.Button(row, text=tr("Open a PDF or an image…"),
                                      command=self.choose_file)
        self.open_button.pack(side="left")
        ttk.Label(row, text=tr("or the code read by a phone:")).pack(side="left", padx=(12, 4))
        self.code_entry = ttk.Entry(row, width=40)
        self.code_entry.pack(side="left", fill="x", expand=True)
        self.code_entry.bind("<Return>", lambda _e: self.check_code())
        self.check_button = ttk.Button(row, text=tr("Check the code"), command=self.check_code)
        self.check_button.pack(side="left", padx=(6, 0))
        self.verdict = ttk.Label(self, text="", wraplength=780, justify="left",
                                 style="Heading.TLabel")
        self.verdict.pack(anchor="w", pady=(12, 2))
        self.differences = ttk.Label(self, text="", wraplength=780, justify="left",
                                     style="Error.TLabel")
        self.differences.pack(anchor="w")
        self.facts_title = ttk.Label(self, text="", style="Muted.TLabel")
        self.facts_title.pack(anchor="w", pady=(8, 2))
        frame = ttk.Frame(self)
        frame.pack(fill="both", expand=True)
        self.facts = ttk.Treeview(frame, columns=("label", "value"), show="headings", height=14)
        self.facts.heading("label", text=tr("Certified value"))
        self.facts.heading("value", text=tr("What the paper must show"))
        self.facts.column("label", width=330, stretch=False)
        self.facts.column("value", width=430)
        scroll = ttk.Scrollbar(frame, orient="vertical", command=self.facts.yview)
        self.facts.configure(yscrollcommand=scroll.set)
        self.facts.pack(side="left", fill="both", expand=True)
        scroll.pack(side="left", fill="y")

    @guarded
    def choose_file(self) -> None:
        name = filedialog.askopenfilename(parent=self, title=tr("Verify a copy"), filetypes=[
            (tr("Copy (PDF or image)"), "*.pdf *.png *.jpg *.jpeg"), (tr("All files"), "*")])
        if name:
            self.check_file(Path(name))

    @guarded
    def check_file(self, path: Path) -> Any:
        return self._show(str(path))

    @guarded
    def check_code(self) -> Any:
        text = self.code_entry.get().strip()
        if not text:
            self.messages.error(tr("Paste the code a phone read (it starts with ECR2:)"))
            return None
        return self._show(text)

    def _show(self, what: str) -> Any:
        from printdesigner.verification import verify_printed

        self.messages.clear()
        ca, crl = self._trust()
        result = self.result = verify_printed(what, ca, crl)
        if result.genuine:
            mark, style = "✔ ", "Ok.TLabel"
        elif result.scope == "values":
            mark, style = "⚠ ", "Warning.TLabel"
        else:
            mark, style = "✘ ", "Error.TLabel"
        self.verdict.configure(text=mark + result.message, style=style)
        self.differences.configure(text="\n".join(f"– {d}" for d in result.differences))
        self.facts_title.configure(text=(
            tr("What the code certifies, and every page shows:") if result.genuine
            else tr("What the code certifies: compare each line with the paper")
            if result.facts else ""))
        self.facts.delete(*self.facts.get_children())
        for label, value in result.facts:
            self.facts.insert("", "end", values=(label, value))
        return result

    def _trust(self) -> tuple[list[Any], Any]:
        """The country's CA certificates and revocation list, from the keys folder."""
        from cryptography import x509

        from common.pki.centre import CA_FILE, CRL_FILE

        home = self.bench.app.home
        keys = Path(home.path) / "keys" if home is not None else None
        if keys is None or not (keys / CA_FILE).is_file():
            raise UserError(tr("This centre has no certificate of the country's authority yet "
                               "(it is not enrolled): copies cannot be checked here"),
                            field="ca", rule="required")
        try:
            ca = x509.load_pem_x509_certificates((keys / CA_FILE).read_bytes())
            crl_path = keys / CRL_FILE
            crl = x509.load_der_x509_crl(crl_path.read_bytes()) if crl_path.is_file() else None
        except (OSError, ValueError):
            raise UserError(tr("The authority's certificates in {path} cannot be read",
                               path=str(keys)), field="ca", rule="unreadable") from None
        return ca, crl
