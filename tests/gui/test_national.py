"""Search in the whole country from the desktop application (issue 15).

A real centre (the application, its background transmitter on the real broker),
a real SCEC (ingest worker and national query responder) holding an act of
another centre: the secretary ticks "in the whole country", types the NIU, and
the act of the other centre appears with the centre that holds it, then opens
read-only.  The question was recorded and audited by the centre's database and
answered over the transmitter's persistent session.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from common.transport.mqtt import BrokerAddress
from tests.conftest import MQTT_HOST, MQTT_PORT
from tests.gui.conftest import SECRETARY, Hands, log_in, texts_on_screen, wait_for
from tests.gui.test_transmission import centre_db, enrolled_home, transmitting_app  # noqa: F401
from tests.xmserver.conftest import scec  # noqa: F401  (the real SCEC: xmserver init)
from tests.xmserver.senders import enroll, records
from xmserver import ingest
from xmserver.service import QueryService

pytestmark = [pytest.mark.gui, pytest.mark.timeout(240)]


def test_a_secretary_finds_and_reads_an_act_held_by_another_centre(
        transmitting_app: Any, hands: Hands, tmp_path: Path,  # noqa: F811
        centre_db: str) -> None:  # noqa: F811
    app, central = transmitting_app
    national_register = central.central
    other = enroll(national_register, tmp_path, "241001")
    [act] = records(1, code="241001")
    _, data = other.acts([act], 1)
    with psycopg.connect(national_register.dsn, autocommit=True) as conn:
        assert ingest.ingest(conn, national_register.pki, data,
                             carrier="t2d").outcome == "stored"
    responder = QueryService(national_register.dsn, national_register.pki,
                             BrokerAddress(MQTT_HOST, MQTT_PORT), central.root)
    responder.start()
    try:
        bench = log_in(hands, app, SECRETARY)
        wait_for(hands, lambda: app.transmitter is not None and app.transmitter.transmitting,
                 timeout=30, what="the background transmitter")
        hands.click(bench.nav_buttons["search"])
        search = bench.current
        assert search.national is not None
        hands.type_into(search.inputs["niu"], str(act.niu))
        hands.click(search.national)
        assert search.national.checked
        hands.click(search.search_button)
        national = bench.current
        assert national.view_id == "national"
        wait_for(hands, lambda: national.acts.get_children(), timeout=60,
                 what="the SCEC's answer")
        [row] = national.acts.get_children()
        values = national.acts.item(row, "values")
        assert str(values[0]).replace(" ", "") == act.niu
        assert "241001" in str(values[4])
        _shoot(hands, "national")
        hands.press(national.acts, "Return")
        shown = bench.current
        assert shown.view_id == "national.act"
        screen = " ".join(texts_on_screen(shown))
        assert "241001" in screen and "lecture seule" in screen
        assert str(act.data["child"]["surname"]) in screen
        assert not [w for w in texts_on_screen(shown) if w in ("Valider", "Vérifier")]
        _shoot(hands, "national-act")

        # the person asks for a copy here: issued from the SCEC's answer, saying who holds it
        assert shown.copy_button is not None
        hands.click(shown.copy_button)
        copies = bench.current
        assert copies.view_id == "copies"
        wait_for(hands, lambda: copies.record is not None, timeout=10, what="the act found")
        assert copies.record.centre_code == "241001"
        assert "241001" in copies.act_summary.cget("text")
        hands.type_into(copies.requester, "Aminata Badji")
        hands.click(copies.issue_button)
        assert copies.issued is not None and copies.issued.holding_centre == "241001"
        assert "241001" in copies.receipt.cget("text")
        path = copies.print_document("copy")
        assert path is not None and path.read_bytes()[:5] == b"%PDF-"
        from printdesigner.qr import verify_code
        from printdesigner.verification import read_qr_from_pdf

        verdict = verify_code(read_qr_from_pdf(path.read_bytes()), ca_certificates(app))
        assert verdict.code_genuine and verdict.certified is not None
        assert verdict.certified.act.centre_code == "241001"
        assert verdict.certified.niu == act.niu
        # typed again in Copies (not from the answer's page), the NIU finds it too
        hands.click(bench.nav_buttons["copies"])
        again = bench.current
        hands.type_into(again.act_entry, str(act.niu))
        hands.press(again.act_entry, "Return")
        assert again.record is not None and again.record.niu == act.niu
    finally:
        responder.stop()
    with psycopg.connect(centre_db) as conn:
        audit = conn.execute("SELECT user_number, action FROM ecr.audit_log"
                             " WHERE action LIKE 'act.%national' ORDER BY seq").fetchall()
    assert audit[0] == (SECRETARY[0], "act.search_national")
    assert (SECRETARY[0], "act.read_national") in audit


def test_an_agent_has_no_whole_country_option(transmitting_app: Any,  # noqa: F811
                                              hands: Hands) -> None:
    from tests.gui.conftest import AGENT

    app, _ = transmitting_app
    bench = log_in(hands, app, AGENT)
    hands.click(bench.nav_buttons["search"])
    assert bench.current.national is None
    assert "national" not in bench.nav_buttons


def ca_certificates(app: Any) -> list[Any]:
    """The country's CA certificates from the centre's keys folder (as ecr verify reads them)."""
    from cryptography import x509

    from common.pki.centre import CA_FILE

    return x509.load_pem_x509_certificates((Path(app.home.path) / "keys" / CA_FILE).read_bytes())


def _shoot(hands: Hands, name: str) -> None:
    """With ECR_TEST_SHOTS=DIR, keep what the screen shows (to look at the layout)."""
    import os

    folder = os.environ.get("ECR_TEST_SHOTS")
    if folder:
        from PIL import ImageGrab

        hands.pump(0.3)
        ImageGrab.grab(bbox=(0, 0, 1024, 768), xdisplay=os.environ["DISPLAY"]).save(
            Path(folder) / f"{name}.png")
