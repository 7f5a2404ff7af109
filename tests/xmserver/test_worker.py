"""Ingest workers on the real Mosquitto: shared subscription, manual acknowledgement, relay.

Centres here are plain MQTT clients publishing containers sealed with the real
wire functions (the centre's own transmitter is tested against these workers in
tests/faults and tests/centre/transmission).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import paho.mqtt.client as mqtt
import psycopg
import pytest

from common.transport.mqtt import (
    BrokerAddress,
    centre_down_topic,
    centre_up_topic,
    connect,
    new_client,
)
from common.wire.corpus import MEASURE_SEED
from common.wire.receipts import ActOutcome
from tests.conftest import MQTT_HOST, MQTT_PORT
from tests.xmserver.senders import CODE, OTHER, Sender, enroll, records
from xmserver.worker import IngestWorker

BROKER = BrokerAddress(MQTT_HOST, MQTT_PORT)


class CentreLink:
    """A centre's MQTT side, reduced to publish containers and collect what comes down."""

    def __init__(self, sender: Sender, root: str) -> None:
        self.sender = sender
        self.root = root
        self.down: list[bytes] = []
        self._lock = threading.Lock()
        self.client = new_client(f"test-centre-{uuid.uuid4().hex[:8]}", BROKER)
        ready = threading.Event()
        self.client.on_subscribe = lambda *a: ready.set()
        self.client.on_message = self._on_message
        connect(self.client, BROKER, 10)
        self.client.subscribe(centre_down_topic(root, sender.code), qos=1)
        assert ready.wait(10)

    def _on_message(self, c: mqtt.Client, u: object, m: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.down.append(bytes(m.payload))

    def publish(self, data: bytes) -> None:
        self.client.publish(centre_up_topic(self.root, self.sender.code), data,
                            qos=1).wait_for_publish(10)

    def receipts(self, n: int, timeout: float = 30.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.down) >= n:
                    return [self.sender.receipt(d) for d in self.down]
            time.sleep(0.05)
        raise AssertionError(f"{len(self.down)} answers of {n} expected")

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def workers(scec, mqtt_topic_prefix) -> Iterator[list[IngestWorker]]:
    started: list[IngestWorker] = []

    def start(n: int = 1) -> list[IngestWorker]:
        for _ in range(n):
            w = IngestWorker(scec.dsn, scec.pki, BROKER, topic_root=mqtt_topic_prefix,
                             instance=f"test-{uuid.uuid4().hex[:8]}", relay_seconds=0.5)
            w.start()
            started.append(w)
        return started

    yield start  # type: ignore[misc]
    for w in started:
        w.stop()


def test_two_workers_store_every_act_of_two_centres_once(scec, workers, mqtt_topic_prefix,
                                                          tmp_path):
    pool = workers(2)
    links = [CentreLink(enroll(scec, tmp_path, code), mqtt_topic_prefix) for code in
             (CODE, OTHER)]
    try:
        per_centre = 6
        for link in links:
            # two centres register different people (the same people twice would be
            # flagged as national duplicates, and both centres told: a NOTICE more)
            acts = records(per_centre * 5, code=link.sender.code,
                           seed=MEASURE_SEED + int(link.sender.code))
            sealed = [link.sender.acts(acts[(seq - 1) * 5:seq * 5], seq)[1]
                      for seq in range(1, per_centre + 1)]
            for data in sealed:
                link.publish(data)
            link.publish(sealed[0])  # the same container again: its receipt again
        for link in links:
            answers = link.receipts(per_centre + 1)
            stored = {e.act_id for r in answers for e in r.entries
                      if e.outcome == ActOutcome.STORED}
            assert len(stored) == per_centre * 5
            assert len(set(link.down)) == per_centre, "the duplicate brought the same receipt"
            assert {r.acknowledged_sequence for r in answers} == set(range(1, per_centre + 1))
        # every answer was marked published when the broker took it (even a PUBACK that
        # came before publish() returned): the relay, which re-publishes what stays
        # unmarked for 10 s, has nothing to send again
        counts = [len(link.down) for link in links]
        time.sleep(12)
        assert [len(link.down) for link in links] == counts
        assert sum(w.stats.relayed for w in pool) == 0
    finally:
        for link in links:
            link.close()
    with psycopg.connect(scec.dsn) as conn:
        assert conn.execute("SELECT centre, count(*) FROM act GROUP BY centre ORDER BY 1"
                            ).fetchall() == [(CODE, 30), (OTHER, 30)]
        assert conn.execute("SELECT count(*) FROM outgoing WHERE published_at IS NULL"
                            ).fetchone()[0] == 0
    assert sum(w.stats.received for w in pool) == 2 * (per_centre + 1)
    assert all(w.stats.received > 0 for w in pool), "the shared subscription spreads the load"


def test_a_container_is_acknowledged_only_after_it_is_stored(scec, workers, mqtt_topic_prefix,
                                                             tmp_path):
    """A worker that cannot reach its database does not acknowledge: redelivered, then stored."""
    sender = enroll(scec, tmp_path)
    link = CentreLink(sender, mqtt_topic_prefix)
    instance = f"test-{uuid.uuid4().hex[:8]}"
    broken = IngestWorker("host=127.0.0.1 port=1 user=postgres dbname=nowhere", scec.pki, BROKER,
                          topic_root=mqtt_topic_prefix, instance=instance)
    try:
        broken.start()
        link.publish(sender.acts(records(3), 1)[1])
        deadline = time.monotonic() + 10
        while broken.stats.db_errors == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert broken.stats.db_errors > 0
        broken.stop()  # killed with the container in hand: never acknowledged
        healed = IngestWorker(scec.dsn, scec.pki, BROKER, topic_root=mqtt_topic_prefix,
                              instance=instance)  # same slot: same broker session
        healed.start()
        try:
            [receipt] = link.receipts(1)
            assert [e.outcome for e in receipt.entries] == [ActOutcome.STORED] * 3
        finally:
            healed.stop()
    finally:
        link.close()
