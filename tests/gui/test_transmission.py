"""The officer's Transmission page: the counts change as the background worker transmits.

A real centre (own PostgreSQL database), enrolled with a test country authority;
the application's background transmitter publishes on the real Mosquitto; the
SCEC is the stand-in of tests/centre/transmission/scec_standin.py (real wire
functions), which stands in for XMServer until the two branches meet.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from common.transport import t2d as folder
from common.transport.mqtt import BrokerAddress
from tests.centre.conftest import birth
from tests.centre.transmission.conftest import enroll, forget_session
from tests.centre.transmission.scec_standin import ScecStandIn
from tests.common.pki.factory import authority
from tests.conftest import MQTT_HOST, MQTT_PORT
from tests.gui.conftest import AGENT, OFFICER, SECRETARY, Hands, log_in, wait_for

pytestmark = [pytest.mark.gui, pytest.mark.timeout(240)]


@pytest.fixture
def enrolled_home(fresh_db: str, tmp_path: Path, mqtt_topic_prefix: str) -> Iterator[Any]:
    from ecr_tk.services.centre import Centre

    code = f"23{random.randrange(10_000):04d}"
    ca = authority()
    centre = Centre.init(tmp_path / "home", code, "Centre d'état civil de Thiès", OFFICER[0],
                         OFFICER[1], OFFICER[2], dsn=fresh_db, workstation="poste-1")
    with centre:
        cert = enroll(centre, ca)
        with centre.login(OFFICER[0], OFFICER[2]) as officer:
            officer.users.add(AGENT[0], AGENT[1], "agent", AGENT[2])
            officer.users.add(SECRETARY[0], SECRETARY[1], "secretary", SECRETARY[2])
        assert centre.home is not None
        centre.home.update({"transmission.broker": f"{MQTT_HOST}:{MQTT_PORT}",
                            "transmission.topic_root": mqtt_topic_prefix,
                            "transmission.resend_seconds": 5})
    scec = ScecStandIn(ca, code, cert, BrokerAddress(MQTT_HOST, MQTT_PORT), mqtt_topic_prefix)
    scec.start()
    try:
        yield tmp_path / "home", scec
    finally:
        scec.stop()
        forget_session(code)


@pytest.fixture
def transmitting_app(root: Any, enrolled_home: Any) -> Iterator[Any]:
    from ecr_tk.ui.app import Application

    application = Application(root, enrolled_home[0])
    root.report_callback_exception = (  # type: ignore[method-assign]
        lambda _t, exc, _tb: root.callback_errors.append(exc))
    application.start()
    yield application, enrolled_home[1]
    application.stop_transmitter()
    application._close_session()
    if application.centre is not None:
        application.centre.close()


def _validate(app: Any, given: str) -> None:
    agent = app.centre.login(AGENT[0], AGENT[2])
    secretary = app.centre.login(SECRETARY[0], SECRETARY[2])
    officer = app.centre.login(OFFICER[0], OFFICER[2])
    act = agent.acts.draft("birth", birth(given=given), confirm_duplicates=True).id
    secretary.acts.verify(act)
    officer.acts.validate(act)
    for s in (agent, secretary, officer):
        s.logout()


def test_the_transmission_page_shows_the_counts_change_as_acts_reach_the_scec(
        transmitting_app: Any, hands: Hands, tmp_path: Path) -> None:
    app, scec = transmitting_app
    bench = log_in(hands, app, OFFICER)
    wait_for(hands, lambda: app.transmitter is not None and app.transmitter.transmitting,
             timeout=30, what="the background transmitter")
    hands.click(bench.nav_buttons["transmission"])
    page = bench.current
    wait_for(hands, lambda: "Cette station transmet" in str(page.link_label.cget("text")),
             what="this workstation transmits")
    scec.answering = False  # the SCEC is away: the acts stay in flight
    for given in ("Awa", "Fatou", "Khady"):
        _validate(app, given)

    def count(key: str) -> str:
        return str(page.counts[key].cget("text"))

    wait_for(hands, lambda: count("in_flight") == "3", timeout=60, what="3 in flight")
    assert count("acknowledged_today") == "0"
    scec.answering = True  # re-sent after the delay, same bytes; receipts come back
    wait_for(hands, lambda: count("acknowledged_today") == "3", timeout=60,
             what="3 received by the SCEC")
    assert count("in_flight") == "0" and count("pending") == "0"
    assert all(n == 1 for n in scec.stored.values()) and len(scec.stored) == 3

    # T2D from the page (the folder chooser is what passes the folder in)
    _validate(app, "Mariama")
    scec.answering = False
    stick = tmp_path / "usb"
    stick.mkdir()
    page.export_t2d(str(stick))
    wait_for(hands, lambda: "écrit" in str(page.t2d_label.cget("text")), timeout=60,
             what="the export report")
    files = folder.read_folder(stick, folder.TO_SCEC, app.centre.identity.code).files
    assert len(files) >= 1
    assert str(page.progress.cget("value")) == str(page.progress.cget("maximum"))
