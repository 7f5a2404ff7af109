"""The broker's security, on a real Mosquitto started with ``xmserver broker-config``'s output.

Centre X cannot publish or subscribe on centre Y's topics; a client without a
certificate, or with one from another PKI, is refused; a revoked centre is
refused once the revocation list is refreshed; containers and receipts flow
over TLS between an enrolled centre and a worker with the workers' certificate;
the enrollment listener lets a certificate-less client ask for enrollment and
nothing else.
"""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import psycopg
import pytest
from cryptography import x509

from common.pki import centre as centre_pki
from common.pki.keys import centre_passphrase
from common.transport.mqtt import (
    BrokerAddress,
    CarrierUnavailable,
    TlsIdentity,
    centre_down_topic,
    centre_up_topic,
    connect,
    enroll_request_topic,
    new_client,
    revocation_list_topic,
)
from common.wire.receipts import ActOutcome
from tests.centre.transmission.test_faults import _free_port
from tests.common.pki.factory import authority, write_key, write_pem
from tests.xmserver.senders import CODE, OTHER, Sender, enroll, records
from xmserver.worker import IngestWorker

ROOT = "ecr"


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


class Broker:
    def __init__(self, folder: Path, port: int, enroll_port: int) -> None:
        self.folder, self.port, self.enroll_port = folder, port, enroll_port
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(["/usr/sbin/mosquitto", "-c",
                                      str(self.folder / "mosquitto.conf")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while not (_listening(self.port) and _listening(self.enroll_port)):
            if self.proc.poll() is not None:
                raise AssertionError(self.proc.stderr.read().decode() if self.proc.stderr
                                     else "mosquitto exited")
            assert time.monotonic() < deadline, "mosquitto did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def address(self, tls: TlsIdentity | None, *, enroll: bool = False) -> BrokerAddress:
        return BrokerAddress("127.0.0.1", self.enroll_port if enroll else self.port, tls)

    def worker_tls(self) -> TlsIdentity:
        f = self.folder
        return TlsIdentity(f / "ca.pem", f / "worker.pem", f / "worker.key")


@pytest.fixture
def broker(scec, xm, tmp_path) -> Iterator[Broker]:
    port, enroll_port = _free_port(), _free_port()
    code, _, err = xm("broker-config", "--out", str(tmp_path / "broker"), "--host", "127.0.0.1",
                      "--host", "localhost", "--port", str(port), "--enroll-port",
                      str(enroll_port), "--topic-root", ROOT, "--user", "root")
    assert code == 0, err
    made = Broker(tmp_path / "broker", port, enroll_port)
    made.start()
    yield made
    made.stop()


def centre_tls(sender: Sender, broker: Broker, keys: Path) -> TlsIdentity:
    return TlsIdentity(broker.folder / "ca.pem", keys / centre_pki.CERT_FILE,
                       keys / centre_pki.KEY_FILE, key_password=centre_passphrase(keys))


class Client:
    """An MQTT v5 client that records the broker's answers (PUBACK and SUBACK reason codes)."""

    def __init__(self, address: BrokerAddress) -> None:
        self.client = new_client(f"t-{uuid.uuid4().hex[:8]}", address)
        self.messages: list[tuple[str, bytes]] = []
        self.puback: dict[int, int] = {}
        self.suback: dict[int, list[int]] = {}
        self._event = threading.Condition()
        self.client.on_message = self._message
        self.client.on_publish = self._publish
        self.client.on_subscribe = self._subscribe
        connect(self.client, address, 10)

    def _message(self, c: mqtt.Client, u: object, m: mqtt.MQTTMessage) -> None:
        with self._event:
            self.messages.append((m.topic, bytes(m.payload)))
            self._event.notify_all()

    def _publish(self, c: mqtt.Client, u: object, mid: int, rc: object, p: object) -> None:
        with self._event:
            self.puback[mid] = int(getattr(rc, "value", 0))
            self._event.notify_all()

    def _subscribe(self, c: mqtt.Client, u: object, mid: int, codes: list, p: object) -> None:
        with self._event:
            self.suback[mid] = [int(getattr(code, "value", code)) for code in codes]
            self._event.notify_all()

    def _wait(self, what, timeout: float = 10.0):
        with self._event:
            assert self._event.wait_for(what, timeout), "no answer from the broker"
            return what()

    def publish(self, topic: str, data: bytes) -> int:
        """Publish with QoS 1; the PUBACK's reason code (0 = accepted, 0x87 = not authorised)."""
        mid = self.client.publish(topic, data, qos=1).mid
        self._wait(lambda: mid in self.puback)
        return self.puback[mid]

    def subscribe(self, topic: str) -> int:
        _, mid = self.client.subscribe(topic, qos=1)
        return self._wait(lambda: self.suback.get(mid))[0]

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def private(client: Client) -> list[tuple[str, bytes]]:
    """What a client received, less the country's revocation list: that retained message is
    public to every centre ("#" delivers it whenever the workers publish it), and it must be
    exactly that list, signed by the CA, nothing else."""
    public = revocation_list_topic(ROOT)
    for topic, data in client.messages:
        if topic == public:
            x509.load_der_x509_crl(data)  # a CRL, or this raises
    return [(t, d) for t, d in client.messages if t != public]


NOT_AUTHORIZED = 0x87
ACCEPTED = (0, 0x10)  # success, or "accepted, no subscriber at the moment"


def test_centres_are_confined_to_their_own_topics_and_acts_flow_over_tls(
        scec, broker, tmp_path) -> None:
    x, y = enroll(scec, tmp_path, CODE), enroll(scec, tmp_path, OTHER)
    worker = IngestWorker(scec.dsn, scec.pki, broker.address(broker.worker_tls()),
                          topic_root=ROOT, instance=f"tls-{uuid.uuid4().hex[:6]}")
    worker.start()
    cx = Client(broker.address(centre_tls(x, broker, tmp_path / f"keys-{CODE}")))
    try:
        assert cx.subscribe(centre_down_topic(ROOT, CODE)) == 1  # granted QoS 1
        # Mosquitto 2.0 may grant a subscription its ACL forbids reading; what matters is
        # that nothing is delivered through it: checked below with the workers' client
        for topic in (centre_down_topic(ROOT, OTHER), centre_up_topic(ROOT, OTHER),
                      f"{ROOT}/centre/+/down", f"{ROOT}/#"):
            cx.subscribe(topic)
        assert cx.publish(centre_up_topic(ROOT, OTHER), y.acts(records(1, code=OTHER), 1)[1]
                          ) == NOT_AUTHORIZED  # even a genuine container of Y's
        assert cx.publish(centre_down_topic(ROOT, CODE), b"a forged receipt") == NOT_AUTHORIZED
        assert cx.publish(centre_up_topic(ROOT, CODE), x.acts(records(2), 1)[1]) in ACCEPTED
        deadline = time.monotonic() + 20
        while not private(cx) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        # its receipt (once per matching subscription: it subscribed to its topic twice,
        # by name and through "#"), and nothing else: not Y's topics, not even its own up
        assert {t for t, _ in private(cx)} == {centre_down_topic(ROOT, CODE)}
        [data] = {d for _, d in private(cx)}
        assert {e.outcome for e in x.receipt(data).entries} == {ActOutcome.STORED}
        # what the SCEC sends Y is not delivered to X, whatever X subscribed to
        cy = Client(broker.address(centre_tls(y, broker, tmp_path / f"keys-{OTHER}")))
        scec_side = Client(broker.address(broker.worker_tls()))
        try:
            cy.subscribe(centre_down_topic(ROOT, OTHER))
            assert scec_side.publish(centre_down_topic(ROOT, OTHER), b"for Y only") in ACCEPTED
            deadline = time.monotonic() + 10
            while not cy.messages and time.monotonic() < deadline:
                time.sleep(0.05)
            assert cy.messages == [(centre_down_topic(ROOT, OTHER), b"for Y only")]
            time.sleep(0.5)
            assert {d for _, d in private(cx)} == {data}
        finally:
            cy.close()
            scec_side.close()
    finally:
        cx.close()
        worker.stop()
    with psycopg.connect(scec.dsn) as conn:
        assert conn.execute("SELECT centre, count(*) FROM act GROUP BY 1").fetchall() == [
            (CODE, 2)]
    assert worker.stats.received == 1  # the refused publish never reached the worker


def test_clients_without_a_certificate_of_the_pki_are_refused(scec, broker, tmp_path) -> None:
    with pytest.raises(CarrierUnavailable):
        Client(BrokerAddress("127.0.0.1", broker.port, None))  # plain MQTT on the TLS port
    stranger = authority()  # another country's PKI: a certificate the broker cannot chain
    keys = tmp_path / "stranger"
    keys.mkdir()
    write_pem(keys / "cert.pem", stranger.signing_certificate)
    write_key(keys / "key.pem", stranger.signing_key)
    with pytest.raises(CarrierUnavailable):
        Client(broker.address(TlsIdentity(broker.folder / "ca.pem", keys / "cert.pem",
                                          keys / "key.pem")))


def test_a_revoked_centre_is_refused_by_the_broker(scec, xm, broker, tmp_path) -> None:
    y = enroll(scec, tmp_path, OTHER)
    tls = centre_tls(y, broker, tmp_path / f"keys-{OTHER}")
    Client(broker.address(tls)).close()  # accepted while in good standing
    code, _, err = xm("centre", "revoke", OTHER, "--reason", "stolen laptop")
    assert code == 0, err
    code, _, err = xm("broker-config", "--out", str(broker.folder), "--refresh-crl")
    assert code == 0, err
    broker.stop()
    broker.start()  # Mosquitto reads its revocation list at start
    with pytest.raises(CarrierUnavailable):
        Client(broker.address(tls))


def test_the_enrollment_listener_only_lets_a_new_centre_ask_to_enroll(scec, broker) -> None:
    ca_only = broker.folder / "ca.pem"
    address = BrokerAddress("127.0.0.1", broker.enroll_port, None)
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"n-{uuid.uuid4().hex[:6]}",
                         protocol=mqtt.MQTTv5)
    client.tls_set(ca_certs=str(ca_only))  # TLS, the broker's certificate checked, no key
    c = Client.__new__(Client)
    c.client = client
    c.messages, c.puback, c.suback = [], {}, {}
    c._event = threading.Condition()
    client.on_message, client.on_publish, client.on_subscribe = c._message, c._publish, \
        c._subscribe
    connect(client, address, 10)
    try:
        assert c.publish(enroll_request_topic(ROOT, CODE), b"request") in ACCEPTED
        assert c.publish(centre_up_topic(ROOT, CODE), b"container") == NOT_AUTHORIZED
        c.subscribe(f"{ROOT}/enroll/+/request")
        c.subscribe(centre_down_topic(ROOT, CODE))
        # a request with its one-time token, published by a centre: not readable here
        assert c.publish(enroll_request_topic(ROOT, OTHER), b"token 1234") in ACCEPTED
        time.sleep(0.5)
        assert c.messages == []
    finally:
        c.close()


def test_a_national_query_over_tls_is_answered_to_the_asking_centre_only(
        scec, broker, tmp_path) -> None:
    """MQTT v5 request/response on the generated ACL: X asks on its own query topic and
    reads the answer on its own response topic; it may not ask as Y, nor read Y's answers."""
    from common.transport.mqtt import query_request_topic, request
    from common.wire.query import Query
    from ecr_tk.transmission.sealing import Sealer
    from xmserver.service import QueryService

    x, y = enroll(scec, tmp_path, CODE), enroll(scec, tmp_path, OTHER)
    service = QueryService(scec.dsn, scec.pki, broker.address(broker.worker_tls()), ROOT)
    service.start()
    cx = Client(broker.address(centre_tls(x, broker, tmp_path / f"keys-{CODE}")))
    try:
        sx = Sealer(x.identity)
        question = Query(1, "Awa Diop", "officer", {"niu": f"{OTHER}2026000000017"})
        query_id, data = sx.seal_query(question, uuid.uuid4(), dt.datetime.now(dt.UTC))
        assert cx.publish(query_request_topic(ROOT, OTHER), data) == NOT_AUTHORIZED
        cx.subscribe(f"{ROOT}/query/{OTHER}/response/+")
        cx.subscribe(f"{ROOT}/query/#")
        reply = request(broker.address(centre_tls(x, broker, tmp_path / f"keys-{CODE}")),
                        query_request_topic(ROOT, CODE), data, timeout=20)
        _, answer = sx.open_query_answer(reply)
        assert answer.answers == query_id and answer.found == 0 and answer.refusal == ""
        # Y asks: X, subscribed to every query topic it could name, receives nothing of it
        sy = Sealer(y.identity)
        _, asked = sy.seal_query(question, uuid.uuid4(), dt.datetime.now(dt.UTC))
        assert request(broker.address(centre_tls(y, broker, tmp_path / f"keys-{OTHER}")),
                       query_request_topic(ROOT, OTHER), asked, timeout=20)
        time.sleep(0.5)
        # (its own answer, through "#", it may read: the ACL lets it read its responses)
        assert {t.rsplit("/", 1)[0] for t, _ in cx.messages} <= {f"{ROOT}/query/{CODE}/response"}
    finally:
        cx.close()
        service.stop()
