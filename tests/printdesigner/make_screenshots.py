"""Write docs/screenshots/print-*.png and designer-*.png (run by hand, not a test).

    .venv/bin/python -m tests.printdesigner.make_screenshots

The documents are the default birth full copy and extract of the dictionary's
example act, signed by a throw-away test CA (the QR code is real and verifies
against that CA only); pages are rasterised with poppler's pdftoppm at 100 dpi.
The designer shot needs a display (Xvfb is started if DISPLAY is unset).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from common.acts.examples import EXAMPLES, REGISTERED_ON
from common.acts.niu import make_niu
from common.pki.authority import create_country_authority
from printdesigner.documents import CentreInfo, SampleAct, render_copy
from tests.printdesigner.conftest import make_centre

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CENTRE = CentreInfo("010203", "Thiès Nord", "Région de Thiès — Commune de Thiès Nord", "Thiès",
                    "République du Sénégal")


def documents() -> None:
    authority = create_country_authority("SN", "République du Sénégal (test)")
    signer = make_centre(authority, "010203")
    act = SampleAct("birth", EXAMPLES["birth"], niu=make_niu("010203", 2026, 42).value,
                    register_number="123/2026", registered_on=REGISTERED_ON["birth"],
                    mentions=("Mariée le 12 juin 2050 à Dakar avec Moussa FALL "
                              "(acte n° 45/2050).",))
    for kind, copy in (("full", 1), ("extract_filiation", 2)):
        pdf = render_copy(act, kind, copy_number=copy, signer=signer, centre=CENTRE,
                          issued_at=dt.datetime(2026, 11, 20, 10, 30, tzinfo=dt.UTC),
                          officer="Mamadou DIALLO", requester="Awa NDIAYE",
                          receipt_number="R 000042 / 2026", fee=(Decimal("500"), "XOF"))
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "doc.pdf").write_bytes(pdf)
            subprocess.run(["pdftoppm", "-r", "100", "-png", str(Path(tmp) / "doc.pdf"),
                            str(Path(tmp) / "page")], check=True)
            name = "print-birth-full" if kind == "full" else "print-birth-extract"
            for index, page in enumerate(sorted(Path(tmp).glob("page*.png")), start=1):
                page.replace(OUT / f"{name}-{index}.png")


def designer() -> None:
    import tkinter as tk

    from PIL import ImageGrab

    from printdesigner.defaults import default_template
    from printdesigner.designer.app import DesignerWindow

    proc = None
    if not os.environ.get("DISPLAY"):
        proc = subprocess.Popen(["Xvfb", ":77", "-screen", "0", "1400x900x24"])
        os.environ["DISPLAY"] = ":77"
        time.sleep(1)
    try:
        root = tk.Tk()
        root.geometry("1400x900+0+0")
        window = DesignerWindow(root, default_template("birth", "extract"))
        window.palette.item_for_path("mother.surname")
        window.editor.select(["value-9"])
        for _ in range(20):
            root.update()
            time.sleep(0.05)
        ImageGrab.grab(xdisplay=os.environ["DISPLAY"]).crop((0, 0, 1400, 900)).save(
            OUT / "designer-birth-extract.png")
        root.destroy()
    finally:
        if proc is not None:
            proc.terminate()


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    documents()
    designer()
