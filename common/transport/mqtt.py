"""MQTT v5 carrier (paho-mqtt 2.x): request/response for enrollment, thin on purpose.

Carries opaque bytes; knows nothing of what they mean.  ``request`` publishes a
payload with an MQTT v5 *response topic* and *correlation data* and waits for
the answer that carries the same correlation data; ``Responder`` subscribes to
a topic filter (a shared subscription, so several XMServer workers split the
load) and publishes each handler's answer to the request's response topic.

Topics (``root`` defaults to ``ecr``; tests use a unique root per test)::

    <root>/enroll/<centre>/request              centre → SCEC
    <root>/enroll/<centre>/response/<nonce>     SCEC → centre
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass

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
class BrokerAddress:
    host: str = "127.0.0.1"
    port: int = 1883

    @classmethod
    def parse(cls, text: str) -> BrokerAddress:
        host, _, port = text.rpartition(":")
        if not host:
            return cls(text, 1883)
        try:
            return cls(host, int(port))
        except ValueError:
            raise UserError(tr("Broker address {text!r} is not HOST:PORT", text=text),
                            field="broker", rule="invalid") from None


def enroll_request_topic(root: str, centre: str) -> str:
    return f"{root}/enroll/{centre}/request"


def enroll_request_filter(root: str) -> str:
    return f"$share/{SHARE_GROUP}/{root}/enroll/+/request"


def _client(client_id: str) -> mqtt.Client:
    return mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                       protocol=mqtt.MQTTv5)


def _connect(client: mqtt.Client, broker: BrokerAddress, timeout: float) -> None:
    connected = threading.Event()
    client.on_connect = lambda c, u, f, rc, p=None: connected.set()
    try:
        client.connect(broker.host, broker.port, keepalive=60)
    except OSError as exc:
        raise CarrierUnavailable(tr("Cannot reach the broker at {host}:{port}: {error}",
                                    host=broker.host, port=broker.port, error=exc)) from None
    client.loop_start()
    if not connected.wait(timeout):
        client.loop_stop()
        raise CarrierUnavailable(tr("The broker at {host}:{port} did not answer",
                                    host=broker.host, port=broker.port))


def request(broker: BrokerAddress, topic: str, payload: bytes, *, timeout: float = 30.0) -> bytes:
    """Publish ``payload`` to ``topic`` and return the answer, or raise ``CarrierUnavailable``."""
    nonce = secrets.token_hex(8)
    response_topic = topic.rsplit("/", 1)[0] + f"/response/{nonce}"
    correlation = secrets.token_bytes(16)
    answer: list[bytes] = []
    got = threading.Event()
    subscribed = threading.Event()
    client = _client(f"ecr-req-{nonce}")

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
    """Serve requests on a topic filter: ``handler(topic, payload) -> answer`` bytes.

    The handler runs on the MQTT network thread, one message at a time; an
    exception in it is logged with its traceback and the request goes
    unanswered (the requester times out); it never kills the loop.
    """

    def __init__(self, broker: BrokerAddress, topic_filter: str,
                 handler: Callable[[str, bytes], bytes], client_id: str | None = None) -> None:
        self.broker = broker
        self.topic_filter = topic_filter
        self.handler = handler
        self._client = _client(client_id or f"xmserver-{secrets.token_hex(6)}")
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
