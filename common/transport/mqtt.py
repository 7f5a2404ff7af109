"""MQTT v5 carrier (paho-mqtt 2.x): request/response for enrollment, thin on purpose.

Carries opaque bytes; knows nothing of what they mean.  ``request`` publishes a
payload with an MQTT v5 *response topic* and *correlation data* and waits for
the answer that carries the same correlation data; ``Responder`` subscribes to
a topic filter (a shared subscription, so several XMServer workers split the
load) and publishes each handler's answer to the request's response topic.

Topics (``root`` defaults to ``ecr``; tests use a unique root per test; the
whole list, with QoS and properties, is in ``docs/protocol.md``)::

    <root>/enroll/<centre>/request              centre → SCEC
    <root>/enroll/<centre>/response/<nonce>     SCEC → centre
    <root>/centre/<centre>/up                   centre → SCEC: sealed containers
    <root>/centre/<centre>/down                 SCEC → centre: receipts, status answers…

A broker is reached in clear (a local test broker) or over TLS with the
centre's (or the worker's) certificate from the country's PKI: ``TlsIdentity``.
``new_client`` and ``connect`` are the one place a paho client is made and
connected, so TLS, keepalive and session rules are the same for every carrier.
"""

from __future__ import annotations

import logging
import secrets
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from common.errors import UserError
from common.i18n import translator

tr = translator("wire")

SHARE_GROUP = "xmserver"
log = logging.getLogger("ecr.transport.mqtt")


class CarrierUnavailable(UserError):
    """The broker cannot be reached, or no answer came in time."""

    def __init__(self, message: str, rule: str = "broker_unavailable") -> None:
        super().__init__(message, rule=rule)


@dataclass(frozen=True)
class TlsIdentity:
    """How to reach a TLS broker: the country's CA, and our own certificate and key.

    ``key_password`` decrypts ``key_file`` (a centre's key is encrypted PKCS#8);
    it is held in memory only.  The broker's certificate must name the host
    connected to.
    """

    ca_file: Path
    cert_file: Path
    key_file: Path
    key_password: bytes | None = None

    def context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(self.ca_file))
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(str(self.cert_file), str(self.key_file), password=self.key_password)
        return ctx


@dataclass(frozen=True)
class BrokerAddress:
    host: str = "127.0.0.1"
    port: int = 1883
    tls: TlsIdentity | None = None

    @classmethod
    def parse(cls, text: str, tls: TlsIdentity | None = None) -> BrokerAddress:
        host, _, port = text.rpartition(":")
        if not host:
            return cls(text, 8883 if tls else 1883, tls)
        try:
            return cls(host, int(port), tls)
        except ValueError:
            raise UserError(tr("Broker address {text!r} is not HOST:PORT", text=text),
                            field="broker", rule="invalid") from None

    def __str__(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def enroll_request_topic(root: str, centre: str) -> str:
    return f"{root}/enroll/{centre}/request"


def enroll_request_filter(root: str) -> str:
    return f"$share/{SHARE_GROUP}/{root}/enroll/+/request"


def centre_up_topic(root: str, centre: str) -> str:
    """Where a centre publishes its sealed containers (only it may publish there)."""
    return f"{root}/centre/{centre}/up"


def centre_down_topic(root: str, centre: str) -> str:
    """Where the SCEC publishes what it sends a centre (only it may read there)."""
    return f"{root}/centre/{centre}/down"


def centre_up_filter(root: str) -> str:
    """The workers' shared subscription to every centre's containers."""
    return f"$share/{SHARE_GROUP}/{root}/centre/+/up"


def revocation_list_topic(root: str) -> str:
    """The country's current revocation list (DER, signed by the CA), a retained message:
    every centre reads it at each connection, whatever it missed while away."""
    return f"{root}/country/revocation-list"


def query_request_topic(root: str, centre: str) -> str:
    """Where a centre asks the SCEC a national query (MQTT v5 request/response: the
    answer comes on ``<root>/query/<code>/response/<nonce>``)."""
    return f"{root}/query/{centre}/request"


def query_request_filter(root: str) -> str:
    return f"$share/{SHARE_GROUP}/{root}/query/+/request"


def centre_of_topic(topic: str) -> str | None:
    """The centre code in ``<root>/centre/<code>/up|down`` (or the enroll and query
    topics), else None."""
    parts = topic.split("/")
    for i in range(len(parts) - 2):
        if parts[i] in ("centre", "enroll", "query") and parts[i + 2] in ("up", "down",
                                                                            "request"):
            return parts[i + 1]
    return None


def new_client(client_id: str, broker: BrokerAddress) -> mqtt.Client:
    """A paho-mqtt 2.x MQTT v5 client, with TLS configured when the broker needs it."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                         protocol=mqtt.MQTTv5)
    if broker.tls is not None:
        try:
            context = broker.tls.context()
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise CarrierUnavailable(tr("Cannot use the certificate to reach the broker: {error}",
                                        error=exc), rule="tls_identity") from None
        client.tls_set_context(context)
    return client


def connect_properties(session_expiry: int) -> Properties:
    props = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
    props.SessionExpiryInterval = session_expiry
    return props


def connect(client: mqtt.Client, broker: BrokerAddress, timeout: float, *,
            clean_start: bool = True, session_expiry: int = 0, keepalive: int = 60) -> bool:
    """Connect and start the network loop; return the broker's *session present* flag.

    ``clean_start=False`` with a ``session_expiry`` (seconds) asks the broker to
    keep the session (subscriptions, queued QoS 1 messages) while we are away.
    A refused connection (bad certificate, not authorised) raises ``CarrierUnavailable``.
    """
    connected = threading.Event()
    outcome: dict[str, object] = {}

    def on_connect(c: mqtt.Client, u: object, flags: object, rc: object, p: object = None) -> None:
        outcome["rc"] = rc
        outcome["session_present"] = bool(getattr(flags, "session_present", False))
        connected.set()

    client.on_connect = on_connect
    try:
        client.connect(broker.host, broker.port, keepalive=keepalive, clean_start=clean_start,
                       properties=connect_properties(session_expiry) if session_expiry else None)
    except (OSError, ssl.SSLError) as exc:
        raise CarrierUnavailable(tr("Cannot reach the broker at {host}:{port}: {error}",
                                    host=broker.host, port=broker.port, error=exc)) from None
    client.loop_start()
    if not connected.wait(timeout):
        client.loop_stop()
        raise CarrierUnavailable(tr("The broker at {host}:{port} did not answer",
                                    host=broker.host, port=broker.port))
    rc = outcome.get("rc")
    if getattr(rc, "is_failure", False):
        client.loop_stop()
        raise CarrierUnavailable(tr("The broker at {host}:{port} refused the connection: {reason}",
                                    host=broker.host, port=broker.port, reason=rc),
                                 rule="broker_refused")
    return bool(outcome.get("session_present"))


def _client(client_id: str, broker: BrokerAddress | None = None) -> mqtt.Client:
    return new_client(client_id, broker or BrokerAddress())


def _connect(client: mqtt.Client, broker: BrokerAddress, timeout: float) -> None:
    connect(client, broker, timeout)


def request(broker: BrokerAddress, topic: str, payload: bytes, *, timeout: float = 30.0) -> bytes:
    """Publish ``payload`` to ``topic`` and return the answer, or raise ``CarrierUnavailable``."""
    nonce = secrets.token_hex(8)
    response_topic = topic.rsplit("/", 1)[0] + f"/response/{nonce}"
    correlation = secrets.token_bytes(16)
    answer: list[bytes] = []
    got = threading.Event()
    subscribed = threading.Event()
    client = _client(f"ecr-req-{nonce}", broker)

    def on_message(c: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        props = getattr(message, "properties", None)
        if getattr(props, "CorrelationData", None) == correlation:
            answer.append(bytes(message.payload))
            got.set()

    client.on_message = on_message
    client.on_subscribe = lambda *a: subscribed.set()
    _connect(client, broker, timeout)
    try:
        client.subscribe(response_topic, qos=1)
        if not subscribed.wait(timeout):
            raise CarrierUnavailable(tr("The broker did not confirm the subscription"))
        props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        props.ResponseTopic = response_topic
        props.CorrelationData = correlation
        client.publish(topic, payload, qos=1, properties=props)
        if not got.wait(timeout):
            raise CarrierUnavailable(tr("No answer from the SCEC within {seconds} s",
                                        seconds=int(timeout)), rule="no_answer")
        return answer[0]
    finally:
        client.loop_stop()
        client.disconnect()


class Responder:
    """Serve requests on a topic filter: ``handler(topic, payload) -> answer`` bytes
    (``None``: no answer, the requester times out).

    The handler runs on the MQTT network thread, one message at a time; an
    exception in it is logged with its traceback and the request goes
    unanswered (the requester times out); it never kills the loop.
    """

    def __init__(self, broker: BrokerAddress, topic_filter: str,
                 handler: Callable[[str, bytes], bytes | None],
                 client_id: str | None = None) -> None:
        self.broker = broker
        self.topic_filter = topic_filter
        self.handler = handler
        self._client = _client(client_id or f"xmserver-{secrets.token_hex(6)}", broker)
        self._ready = threading.Event()
        self._client.on_message = self._on_message
        self._client.on_subscribe = lambda *a: self._ready.set()

    def _on_message(self, client: mqtt.Client, userdata: object,
                    message: mqtt.MQTTMessage) -> None:
        props = getattr(message, "properties", None)
        response_topic = getattr(props, "ResponseTopic", None)
        correlation = getattr(props, "CorrelationData", None)
        if not response_topic:
            return  # nobody to answer
        try:
            answer = self.handler(message.topic, bytes(message.payload))
        except Exception:
            # One bad request must not kill the network loop (and the worker with it).
            log.exception("request handler failed on %s", message.topic)
            return
        if answer is None:
            return
        out = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        if correlation is not None:
            out.CorrelationData = correlation
        client.publish(response_topic, answer, qos=1, properties=out)

    def start(self, timeout: float = 10.0) -> None:
        _connect(self._client, self.broker, timeout)
        self._client.subscribe(self.topic_filter, qos=1)
        if not self._ready.wait(timeout):
            raise CarrierUnavailable(tr("The broker did not confirm the subscription"))

    def stop(self) -> None:
        self._client.loop_stop()
        self._client.disconnect()
