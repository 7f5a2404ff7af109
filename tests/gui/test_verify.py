"""The verification screen: a copy presented at the counter, checked through the window.

It must say what it checked: "genuine" only for a PDF compared page by page, a
warning with every certified value for a scan or a code read by a phone, a
refusal naming what a forged PDF changed.
"""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from common.acts.examples import EXAMPLES
from common.pki.authority import create_country_authority
from printdesigner.binding import PrintContext
from printdesigner.defaults import default_template
from printdesigner.documents import print_context, render_copy
from printdesigner.render import render
from tests.gui.conftest import SECRETARY, Hands, log_in
from tests.printdesigner.conftest import make_centre
from tests.printdesigner.test_qr import CENTRE, birth_act, issued_now

pytestmark = [pytest.mark.gui, pytest.mark.timeout(240)]


def _rows(view: Any) -> dict[str, str]:
    return {str(view.facts.item(i, "values")[0]): str(view.facts.item(i, "values")[1])
            for i in view.facts.get_children()}


def test_the_screen_says_what_it_checked_for_a_pdf_a_scan_a_code_and_a_forgery(
        app: Any, hands: Hands, tmp_path: Path) -> None:
    from printdesigner.verification import read_qr_from_pdf

    authority = create_country_authority("SN", "République du Sénégal")
    signer = make_centre(authority, "123456")
    keys = Path(app.home.path) / "keys"
    (keys / "ca.pem").write_bytes(b"".join(c.public_bytes(Encoding.PEM)
                                           for c in signer.ca_certificates))
    pdf = render_copy(birth_act(), "full", signer=signer, centre=CENTRE, issued_at=issued_now(),
                      officer="Mamadou DIALLO")
    genuine = tmp_path / "copie.pdf"
    genuine.write_bytes(pdf)

    bench = log_in(hands, app, SECRETARY)
    assert "verify" in bench.nav_buttons  # every role may check a paper
    hands.click(bench.nav_buttons["verify"])
    view = bench.current
    assert view.view_id == "verify"
    assert "scan" in str(view.explanation.cget("text")).lower()

    result = view.check_file(genuine)
    hands.pump(0.05)
    assert result.genuine
    assert str(view.verdict.cget("text")).startswith("✔ Copie authentique")
    assert "chaque page" in str(view.verdict.cget("text"))
    assert _rows(view)["Mère › Nom"] == "SOW"

    last = str(len(__import__("pypdf").PdfReader(genuine).pages))
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-singlefile", "-f", last, "-l", last,
                    str(genuine), str(tmp_path / "scan")], check=True)
    result = view.check_file(tmp_path / "scan.png")
    hands.pump(0.05)
    assert not result.genuine
    verdict = str(view.verdict.cget("text"))
    assert verdict.startswith("⚠") and "le papier lui-même n'a pas été vérifié" in verdict
    assert "comparez" in str(view.facts_title.cget("text")).lower()
    assert _rows(view)["Enfant › Sexe"] == "Féminin"

    view.code_entry.insert(0, read_qr_from_pdf(pdf))  # as pasted from a phone
    hands.click(view.check_button)
    assert view.result is not None and view.result.scope == "values"
    assert str(view.verdict.cget("text")).startswith("⚠")

    data = copy.deepcopy(EXAMPLES["birth"])
    data["mother"]["surname"] = "Diop"
    ctx = print_context(birth_act(data=data), "full", centre=CENTRE, issued_at=issued_now())
    forged = tmp_path / "faux.pdf"
    forged.write_bytes(render(default_template("birth", "full"), PrintContext(
        ctx.event_type, ctx.data, ctx.computed, ctx.mentions, 1,
        qr_text=read_qr_from_pdf(pdf))).pdf)
    result = view.check_file(forged)
    hands.pump(0.05)
    assert not result.genuine and result.reason == "altered"
    assert str(view.verdict.cget("text")).startswith("✘")
    assert "SOW" in str(view.differences.cget("text"))
    assert _rows(view)["Mère › Nom"] == "SOW"  # what the genuine paper shows


def test_without_the_authoritys_certificate_the_screen_says_why(
        app: Any, hands: Hands, tmp_path: Path) -> None:
    bench = log_in(hands, app, SECRETARY)
    hands.click(bench.nav_buttons["verify"])
    view = bench.current
    view.code_entry.insert(0, "ECR2:AAAA")
    hands.click(view.check_button)
    assert "pas encore le certificat" in view.messages.text
