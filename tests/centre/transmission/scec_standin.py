"""A test-only SCEC, built from the real wire functions, answering a centre's containers.

A programmable SCEC for the transmitter's edge cases (refuse chosen NIUs, hold
receipts back, drop containers unread), which the real XMServer cannot be told
to do; the real SCEC (``xmserver run``) is tested against real centres in
tests/faults (end to end and the 14 faults) and tests/gui/test_transmission.py.  It
follows docs/protocol.md: each container opened with the real opener, acts
stored once per NIU (same content again → ``ALREADY_STORED``), a sequence seen
under another message id refused, a signed receipt per container published with
QoS 1 on the centre's ``down`` topic, and a ``STATUS`` for a ``SYNC_REQUEST``
(plus the stored receipts of the asked containers).  It keeps in memory what it
stored, so tests can check that every act arrived exactly once.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt

from common.acts.actjson import canonical_json
from common.pki.authority import CountryAuthority
from common.pki.identifiers import certificate_key_identifier
from common.transport.mqtt import BrokerAddress, centre_down_topic, connect, new_client
from common.wire import batches
from common.wire.container import RecipientCertificate, SenderKey, open_container
from common.wire.errors import ContainerRefused
from common.wire.mentions import mention_id
from common.wire.message import Kind
from common.wire.receipts import ActOutcome, Receipt, ReceiptEntry
from common.wire.sync import Status
from common.wire.trust import StaticDirectory
from tests.common.pki.factory import scec_recipient


def _content(act: Any) -> bytes:
    doc = act.to_dict()
    doc.pop("status")
    doc.pop("mentions")
    return canonical_json(doc)


@dataclass
class StoredContainer:
    message_id: uuid.UUID
    receipt: bytes


@dataclass
class ScecStandIn:
    ca: CountryAuthority
    centre_code: str
    centre_certificate: Any
    broker: BrokerAddress
    root: str
    refuse_nius: dict[str, str] = field(default_factory=dict)  # NIU → reason to refuse
    answering: bool = True  # False: containers are dropped unread (a SCEC that is down)
    holding: bool = False  # True: receipts (not STATUS answers) kept back until release()
    acts: dict[str, bytes] = field(default_factory=dict)
    stored: Counter[str] = field(default_factory=Counter)  # NIU/mention id → times STORED
    containers: dict[int, StoredContainer] = field(default_factory=dict)
    received: Counter[str] = field(default_factory=Counter)  # kind name → containers received
    audit_marks: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)
    replays: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._directory = StaticDirectory.of([(self.centre_code, self.centre_certificate)])
        self._recipient = scec_recipient(self.ca)
        self._sender = SenderKey(self.ca.signing_key,
                                 certificate_key_identifier(self.ca.signing_certificate))
        self._to_centre = RecipientCertificate.of(self.centre_certificate)
        self._out = 0
        self._client: mqtt.Client | None = None
        self._held: list[bytes] = []
        self._last_kind: Kind | None = None

    # ------------------------------------------------------------- the MQTT side
    def start(self) -> None:
        client = new_client(f"scec-standin-{uuid.uuid4().hex[:8]}", self.broker)
        ready = threading.Event()
        client.on_subscribe = lambda *a: ready.set()
        client.on_message = self._on_message
        connect(client, self.broker, 10)
        client.subscribe(f"{self.root}/centre/+/up", qos=1)
        assert ready.wait(10)
        # after a broker restart paho reconnects by itself: subscribe again
        client.on_connect = lambda c, *a: c.subscribe(f"{self.root}/centre/+/up", qos=1)
        self._client = client

    def stop(self) -> None:
        if self._client is not None:
            self._client.loop_stop()
            self._client.disconnect()
            self._client = None

    def _on_message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        if not self.answering:
            return
        answers = self.answer(bytes(msg.payload))
        for answer in answers:
            if self.holding and self._last_kind != Kind.SYNC_REQUEST:
                self._held.append(answer)
            else:
                client.publish(centre_down_topic(self.root, self.centre_code), answer, qos=1)

    def release(self) -> int:
        """Publish the receipts kept back (the centre may be offline: the broker keeps them)."""
        self.holding = False
        held, self._held = self._held, []
        assert self._client is not None
        for answer in held:
            self._client.publish(centre_down_topic(self.root, self.centre_code), answer,
                                 qos=1).wait_for_publish(10)
        return len(held)

    # ------------------------------------------------------------- the SCEC rules
    def _seal_receipt(self, receipt: Receipt) -> bytes:
        self._out += 1
        return batches.seal_receipt(receipt, centre=self.centre_code, sequence=self._out,
                                    sender=self._sender, recipient=self._to_centre)[1]

    def answer(self, data: bytes) -> list[bytes]:
        """The containers the SCEC sends back for one container (receipt, or STATUS…)."""
        with self._lock:
            try:
                opened = open_container(data, self._recipient, self._directory)
            except ContainerRefused:
                return []
            header = opened.header
            self._last_kind = header.kind
            self.received[header.kind.name] += 1
            self.audit_marks.append((header.sequence, header.audit))
            if header.kind == Kind.SYNC_REQUEST:
                return self._sync(data)
            held = self.containers.get(header.sequence)
            if held is not None:
                if held.message_id != header.message_id:
                    self.replays += 1  # quarantined: a reused number
                    return []
                return [held.receipt]
            if header.kind == Kind.ACT_BATCH:
                entries = [self._store_act(act)
                           for act in batches.open_act_batch(data, self._recipient,
                                                             self._directory).acts]
            else:
                mentions = batches.open_mentions(data, self._recipient, self._directory).mentions
                entries = [self._store_mention(m) for m in mentions]
            receipt = self._seal_receipt(Receipt(header.message_id, header.sequence,
                                                 tuple(entries)))
            self.containers[header.sequence] = StoredContainer(header.message_id, receipt)
            return [receipt]

    def _store_act(self, act: Any) -> ReceiptEntry:
        niu = act.niu
        if niu in self.refuse_nius:
            return ReceiptEntry(niu, ActOutcome.REFUSED, self.refuse_nius[niu])
        content = _content(act)
        if niu in self.acts:
            if self.acts[niu] != content:
                return ReceiptEntry(niu, ActOutcome.REFUSED, "niu_conflict")
            return ReceiptEntry(niu, ActOutcome.ALREADY_STORED)
        self.acts[niu] = content
        self.stored[niu] += 1
        return ReceiptEntry(niu, ActOutcome.STORED)

    def _store_mention(self, mention: dict[str, Any]) -> ReceiptEntry:
        mid = mention_id(mention)
        if mid in self.stored:
            return ReceiptEntry(mid, ActOutcome.ALREADY_STORED)
        self.stored[mid] += 1
        return ReceiptEntry(mid, ActOutcome.STORED)

    def _sync(self, data: bytes) -> list[bytes]:
        opened, request = batches.open_sync_request(data, self._recipient, self._directory)
        entries = tuple(ReceiptEntry(i, ActOutcome.ALREADY_STORED) for i in request.act_ids
                        if i in self.acts or (i.startswith("m:") and i in self.stored))
        by_id = {c.message_id: c for c in self.containers.values()}
        held = tuple(m for m in request.message_ids if m in by_id)
        status = Status(opened.header.message_id, max(self.containers, default=0), entries, held)
        self._out += 1
        sealed = batches.seal_status(status, centre=self.centre_code, sequence=self._out,
                                     sender=self._sender, recipient=self._to_centre)[1]
        return [sealed] + [by_id[m].receipt for m in held]
