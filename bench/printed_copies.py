"""Sizes of the verification QR codes, and the time to render and verify a copy.

    PYTHONPATH=. .venv/bin/python bench/printed_copies.py [RUNS]

For every event and every default document with a QR code, the dictionary's
hand-written example (data the compression dictionary was not trained on) is
printed, signed by a throwaway centre; the QR text's length and module count
are reported.  Then a birth full copy is rendered and verified RUNS times
(default 5) and the medians printed: render, reading the QR code from the PDF,
checking the code, the whole PDF verification.  Prints JSON.  Not part of the
test run.
"""

import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common.acts.dictionary import EVENTS
from common.acts.examples import EXAMPLES, REGISTERED_ON
from common.acts.niu import make_niu
from common.pki.authority import create_country_authority
from printdesigner.defaults import default_template, kinds_for
from printdesigner.documents import CentreInfo, SampleAct, render_copy
from printdesigner.model import QrCode
from printdesigner.qr import verify_code
from printdesigner.render import qr_modules
from printdesigner.verification import read_qr_from_pdf, verify_printed
from tests.printdesigner.conftest import make_centre

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
CENTRE = CentreInfo("010203", "Thiès Nord", "Région de Thiès", "Thiès", "République du Sénégal")
authority = create_country_authority("SN", "République du Sénégal")
centre = make_centre(authority, "010203")
ca = [authority.issuing_certificate, authority.root_certificate]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)


def example(event: str) -> SampleAct:
    return SampleAct(event, EXAMPLES[event], niu=make_niu("010203", 2026, 42).value,
                     register_number="123/2026", registered_on=REGISTERED_ON[event])


codes = {}
for event in EVENTS:
    for kind in kinds_for(EVENTS[event]):
        if not any(isinstance(e, QrCode) for _, e in default_template(event, kind).elements()):
            continue
        pdf = render_copy(example(event), kind, signer=centre, centre=CENTRE, issued_at=now(),
                          officer="Mamadou DIALLO", requester="Awa SOW",
                          receipt_number="R 000001 / 2026",
                          paid_for="full" if kind == "receipt" else None)
        text = read_qr_from_pdf(pdf)
        codes[f"{event}/{kind}"] = {"characters": len(text), "modules": qr_modules(text)}

timings: dict[str, list[float]] = {"render": [], "read_qr": [], "check_code": [], "verify_pdf": []}
with tempfile.TemporaryDirectory() as tmp:
    path = Path(tmp) / "copy.pdf"
    for _ in range(RUNS):
        t = time.perf_counter()
        pdf = render_copy(example("birth"), "full", signer=centre, centre=CENTRE,
                          issued_at=now(), officer="Mamadou DIALLO")
        timings["render"].append(time.perf_counter() - t)
        path.write_bytes(pdf)
        t = time.perf_counter()
        text = read_qr_from_pdf(pdf)
        timings["read_qr"].append(time.perf_counter() - t)
        t = time.perf_counter()
        verify_code(text, ca)
        timings["check_code"].append(time.perf_counter() - t)
        t = time.perf_counter()
        assert verify_printed(path, ca).genuine
        timings["verify_pdf"].append(time.perf_counter() - t)

characters = [c["characters"] for c in codes.values()]
print(json.dumps({
    "qr_characters": {"min": min(characters), "max": max(characters)},
    "codes": codes,
    "birth_full_pdf_kib": len(pdf) // 1024,
    "median_seconds": {k: round(statistics.median(v), 3) for k, v in timings.items()},
    "load_average": [round(x, 1) for x in os.getloadavg()],
}, indent=1))
