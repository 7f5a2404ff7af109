"""A small country for end-to-end and fault tests: real centres, a real SCEC, the real broker.

``country`` gives an SCEC made by ``xmserver init`` (its own central database
and PKI) and makes centres with ``Centre.init`` on databases of their own,
enrolled with the SCEC through the real enrollment code (the same exchange
``ecr enroll`` carries by MQTT or on a USB stick), with their transmission
settings on the test's broker and topic root.  ``workers`` start real ingest
workers (``xmserver.worker.IngestWorker``) in this process; tests that must
kill a worker with SIGKILL run ``xmserver run`` as a subprocess instead.

Every fault test ends with ``country.assert_exactly_once()``: each validated
act of each centre is stored exactly once at the SCEC, acknowledged at its
centre, and nothing else is stored.
"""

from __future__ import annotations

import contextlib
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest

from common.pki import centre as centre_pki
from common.transport.mqtt import BrokerAddress
from ecr_tk.services import Centre
from ecr_tk.transmission import service
from tests.centre.conftest import AGENT, OFFICER, PASSWORDS, SECRETARY, Staff, validated_birth
from tests.centre.transmission.conftest import forget_session
from tests.conftest import MQTT_HOST, MQTT_PORT, new_database
from tests.xmserver.conftest import Scec, scec  # noqa: F401  (the SCEC fixture)
from xmserver.centres import add_centre
from xmserver.enrollment import handle_enrollment
from xmserver.worker import IngestWorker

BROKER = BrokerAddress(MQTT_HOST, MQTT_PORT)
NAMES = ("Awa", "Fatou", "Aminata", "Mariama", "Khady", "Ndeye", "Coumba", "Binta", "Aissatou",
         "Rokhaya", "Seynabou", "Astou")
SURNAMES = ("Diop", "Ndiaye", "Fall", "Sow", "Ba", "Gueye", "Faye", "Sarr", "Cisse", "Diallo",
            "Mbaye", "Kane", "Toure", "Seck", "Thiam", "Ndour", "Sy")


def wait_for(condition: Callable[[], bool], what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {limit:.0f} s waiting for {what}")


@dataclass
class CountryCentre:
    code: str
    centre: Centre
    staff: Staff
    dsn: str
    validated: list[str] = field(default_factory=list)

    @property
    def home(self) -> Any:
        assert self.centre.home is not None
        return self.centre.home

    def validate(self, n: int) -> list[str]:
        start = len(self.validated)
        new = [validated_birth(self.staff, given=NAMES[(start + i) % len(NAMES)],
                               surname=SURNAMES[(start + i) // len(NAMES) % len(SURNAMES)]
                               + "-" + SURNAMES[(start + i) % len(SURNAMES)])[1]
               for i in range(n)]
        self.validated.extend(new)
        return new

    def sync(self, wait: float = 60) -> dict[str, Any]:
        return service.sync(self.home, wait=wait)

    def act_states(self) -> dict[str, str]:
        with psycopg.connect(self.dsn) as conn:
            return {str(n): str(s) for n, s in conn.execute(
                "SELECT niu, status FROM ecr.acts WHERE niu IS NOT NULL").fetchall()}

    def outbox_states(self) -> list[str]:
        with psycopg.connect(self.dsn) as conn:
            return [str(s) for (s,) in conn.execute("SELECT state FROM ecr.outbox ORDER BY id")]


class Country:
    def __init__(self, central: Scec, admin_dsn: str, root: str, tmp: Path) -> None:
        self.scec = central
        self.admin_dsn = admin_dsn
        self.root = root
        self.tmp = tmp
        self.centres: list[CountryCentre] = []
        self._databases = contextlib.ExitStack()  # the centres' own databases

    def add_centre(self, code: str | None = None, *, name: str = "Centre de test",
                   **settings: Any) -> CountryCentre:
        code = code or f"{random.randrange(100_000, 999_999)}"
        dsn = self._databases.enter_context(new_database(self.admin_dsn))
        home = self.tmp / f"centre-{code}"
        centre = Centre.init(home, code, name, OFFICER, "Awa Diop", PASSWORDS[OFFICER], dsn=dsn,
                             workstation="ws-test")
        keys = home / "keys"
        with psycopg.connect(self.scec.dsn, autocommit=True) as conn:
            token = add_centre(conn, code, name)
            response = handle_enrollment(conn, self.scec.pki,
                                         centre_pki.enrollment_request(keys, token).to_bytes())
        centre_pki.install_response(keys, response)
        assert centre.home is not None
        centre.home = centre.home.update({
            "transmission.broker": f"{MQTT_HOST}:{MQTT_PORT}",
            "transmission.topic_root": self.root, "transmission.resend_seconds": 5,
            "transmission.batch_size": 7, **settings})
        officer = centre.login(OFFICER, PASSWORDS[OFFICER])
        officer.users.add(SECRETARY, "Moussa Fall", "secretary", PASSWORDS[SECRETARY])
        officer.users.add(AGENT, "Fatou Sarr", "agent", PASSWORDS[AGENT])
        staff = Staff(officer, centre.login(SECRETARY, PASSWORDS[SECRETARY]),
                      centre.login(AGENT, PASSWORDS[AGENT]))
        made = CountryCentre(code, centre, staff, dsn)
        self.centres.append(made)
        return made

    # ------------------------------------------------------------------ the SCEC's view
    def stored(self) -> dict[str, int]:
        """NIU → rows at the SCEC (the primary key makes 1 the only possible count)."""
        with psycopg.connect(self.scec.dsn) as conn:
            return {str(n): int(c) for n, c in conn.execute(
                "SELECT niu, count(*) FROM act GROUP BY niu").fetchall()}

    def quarantined(self) -> list[str]:
        with psycopg.connect(self.scec.dsn) as conn:
            return [str(r) for (r,) in conn.execute("SELECT reason FROM quarantine ORDER BY id")]

    def assert_exactly_once(self) -> None:
        stored = self.stored()
        expected = {n for c in self.centres for n in c.validated}
        assert set(stored) == expected, "every validated act is stored, and nothing else"
        assert set(stored.values()) <= {1}
        with psycopg.connect(self.scec.dsn) as conn:
            records = {str(n): r for n, r in conn.execute("SELECT niu, record FROM act")}
        for c in self.centres:
            states = c.act_states()
            assert {n: states[n] for n in c.validated} == dict.fromkeys(c.validated,
                                                                        "acknowledged")
            with psycopg.connect(c.dsn) as conn:
                for niu in c.validated:
                    row = conn.execute("SELECT data, registered_on FROM ecr.acts WHERE niu = %s",
                                       (niu,)).fetchone()
                    assert row is not None  # the SCEC holds the centre's act, not another
                    assert (records[niu]["data"], records[niu]["registered_on"]) == (
                        row[0], row[1].isoformat())

    def close(self) -> None:
        for c in self.centres:
            c.centre.close()
            forget_session(c.code)
        self._databases.close()


@pytest.fixture
def country(scec: Scec, admin_dsn: str, mqtt_topic_prefix: str,  # noqa: F811
            tmp_path: Path) -> Iterator[Country]:
    made = Country(scec, admin_dsn, mqtt_topic_prefix, tmp_path)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def workers(country: Country) -> Iterator[Callable[..., list[IngestWorker]]]:
    started: list[IngestWorker] = []

    def start(n: int = 1, instance: str | None = None) -> list[IngestWorker]:
        for _ in range(n):
            w = IngestWorker(country.scec.dsn, country.scec.pki, BROKER,
                             topic_root=country.root,
                             instance=instance or f"test-{uuid.uuid4().hex[:8]}",
                             relay_seconds=1.0)
            w.start()
            started.append(w)
        return started

    yield start
    for w in started:
        w.stop()
