"""The officer's Transmission page: the counts change as the background worker transmits.

A real centre (own PostgreSQL database), enrolled with a real SCEC (``xmserver
init``'s PKI and central database); the application's background transmitter
publishes on the real Mosquitto and a real ingest worker stores and receipts.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from common.pki import centre as centre_pki
from common.transport import t2d as folder
from common.transport.mqtt import BrokerAddress
from tests.centre.conftest import birth
from tests.centre.transmission.conftest import forget_session
from tests.conftest import MQTT_HOST, MQTT_PORT, new_database
from tests.gui.conftest import AGENT, OFFICER, SECRETARY, Hands, log_in, wait_for
from tests.xmserver.conftest import scec  # noqa: F401  (the real SCEC: xmserver init)
from xmserver.centres import add_centre
from xmserver.enrollment import handle_enrollment
from xmserver.worker import IngestWorker

pytestmark = [pytest.mark.gui, pytest.mark.timeout(240)]


class RealScec:
    """The real SCEC side: an ingest worker on the test's central database and broker.

    ``pause`` stops the worker (the SCEC is away; containers wait at the broker for its
    persistent session), ``resume`` starts it again under the same slot name.
    """

    def __init__(self, central: Any, root: str) -> None:
        self.central, self.root = central, root
        self.instance = f"gui-{uuid.uuid4().hex[:6]}"
        self.worker: IngestWorker | None = None

    def resume(self) -> None:
        self.worker = IngestWorker(self.central.dsn, self.central.pki,
                                   BrokerAddress(MQTT_HOST, MQTT_PORT), topic_root=self.root,
                                   instance=self.instance, relay_seconds=1)
        self.worker.start()

    def pause(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def stored(self) -> dict[str, int]:
        with psycopg.connect(self.central.dsn) as conn:
            return {str(n): int(c) for n, c in conn.execute(
                "SELECT niu, count(*) FROM act GROUP BY niu").fetchall()}


@pytest.fixture
def centre_db(admin_dsn: str) -> Iterator[str]:
    """The centre's own database (``fresh_db`` is the SCEC's here)."""
    with new_database(admin_dsn) as dsn:
        yield dsn


@pytest.fixture
def enrolled_home(scec: Any, centre_db: str, tmp_path: Path,  # noqa: F811
                  mqtt_topic_prefix: str) -> Iterator[Any]:
    from ecr_tk.services.centre import Centre

    code = f"23{random.randrange(10_000):04d}"
    centre = Centre.init(tmp_path / "home", code, "Centre d'état civil de Thiès", OFFICER[0],
                         OFFICER[1], OFFICER[2], dsn=centre_db, workstation="poste-1")
    with centre:
        keys = tmp_path / "home" / "keys"
        with psycopg.connect(scec.dsn, autocommit=True) as conn:
            token = add_centre(conn, code, "Thiès")
            response = handle_enrollment(conn, scec.pki,
                                         centre_pki.enrollment_request(keys, token).to_bytes())
        centre_pki.install_response(keys, response)
        with centre.login(OFFICER[0], OFFICER[2]) as officer:
            officer.users.add(AGENT[0], AGENT[1], "agent", AGENT[2])
            officer.users.add(SECRETARY[0], SECRETARY[1], "secretary", SECRETARY[2])
        assert centre.home is not None
        centre.home.update({"transmission.broker": f"{MQTT_HOST}:{MQTT_PORT}",
                            "transmission.topic_root": mqtt_topic_prefix,
                            "transmission.resend_seconds": 5})
    real = RealScec(scec, mqtt_topic_prefix)
    real.resume()
    try:
        yield tmp_path / "home", real
    finally:
        real.pause()
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
    app, central = transmitting_app
    bench = log_in(hands, app, OFFICER)
    wait_for(hands, lambda: app.transmitter is not None and app.transmitter.transmitting,
             timeout=30, what="the background transmitter")
    hands.click(bench.nav_buttons["transmission"])
    page = bench.current
    wait_for(hands, lambda: "Cette station transmet" in str(page.link_label.cget("text")),
             what="this workstation transmits")
    central.pause()  # the SCEC is away: the acts stay in flight
    for given in ("Awa", "Fatou", "Khady"):
        _validate(app, given)

    def count(key: str) -> str:
        return str(page.counts[key].cget("text"))

    wait_for(hands, lambda: count("in_flight") == "3", timeout=60, what="3 in flight")
    assert count("acknowledged_today") == "0"
    central.resume()  # the containers waiting at the broker are ingested; receipts come back
    wait_for(hands, lambda: count("acknowledged_today") == "3", timeout=60,
             what="3 received by the SCEC")
    assert count("in_flight") == "0" and count("pending") == "0"
    stored = central.stored()
    assert all(n == 1 for n in stored.values()) and len(stored) == 3

    # T2D from the page (the folder chooser is what passes the folder in)
    _validate(app, "Mariama")
    central.pause()
    stick = tmp_path / "usb"
    stick.mkdir()
    page.export_t2d(str(stick))
    wait_for(hands, lambda: "écrit" in str(page.t2d_label.cget("text")), timeout=60,
             what="the export report")
    files = folder.read_folder(stick, folder.TO_SCEC, app.centre.identity.code).files
    assert len(files) >= 1
    assert str(page.progress.cget("value")) == str(page.progress.cget("maximum"))
