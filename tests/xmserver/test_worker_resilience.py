"""The worker's MQTT loop survives a failing request (real Mosquitto)."""

from __future__ import annotations

import pytest

from common.transport.mqtt import (
    BrokerAddress,
    CarrierUnavailable,
    Responder,
    enroll_request_filter,
    enroll_request_topic,
    request,
)
from tests.conftest import MQTT_HOST, MQTT_PORT


def test_a_handler_that_fails_once_does_not_stop_the_worker(mqtt_topic_prefix):
    root = f"{mqtt_topic_prefix}/ecr"
    broker = BrokerAddress(MQTT_HOST, MQTT_PORT)

    def handler(topic: str, payload: bytes) -> bytes:
        if payload == b"boom":
            raise RuntimeError("a bug while handling one request")
        return b"answer to " + payload + b" on " + topic.encode()

    responder = Responder(broker, enroll_request_filter(root), handler)
    responder.start()
    try:
        topic = enroll_request_topic(root, "123456")
        with pytest.raises(CarrierUnavailable) as err:
            request(broker, topic, b"boom", timeout=3)
        assert err.value.rule == "no_answer"
        assert request(broker, topic, b"hello", timeout=10) == (
            b"answer to hello on " + topic.encode())
    finally:
        responder.stop()


def test_an_unreachable_broker_is_a_clear_refusal():
    with pytest.raises(CarrierUnavailable) as err:
        request(BrokerAddress("127.0.0.1", 1), "ecr/enroll/123456/request", b"x", timeout=3)
    assert err.value.rule == "broker_unavailable"
    assert "127.0.0.1:1" in err.value.message
