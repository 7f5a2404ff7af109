"""The centre's transmitter over MQTT: the outbox to the SCEC, receipts back.

One loop in one thread owns the database connection (and with it the
centre's transmitter lock); paho's network thread only puts events on a queue
(a message on the ``down`` topic, a PUBACK, a lost connection).  The loop:

1. at start, compares the database with the high-water mark (``highwater``):
   a restored or doubtful database must ask the SCEC before numbering anything;
2. connects with a persistent session (client id ``ecr-centre-<code>``,
   ``clean_start=False``, 7-day expiry, keepalive 300 s); a session the broker
   no longer had means receipts may be lost: ask the SCEC (SYNC_REQUEST);
3. packs pending outbox entries into containers (recorded before publishing),
   publishes with QoS 1, several in flight, re-sends unreceipted ones after
   the re-send delay, same bytes;
4. applies verified receipts and STATUS answers;
5. on a lost connection, waits (exponential backoff with jitter) and starts
   again at 2; nothing is kept in paho's memory that the database does not hold.

This module never seals or opens a container itself (``sealing``) and never
decides a rule (``core``).
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from common.transport.mqtt import (
    BrokerAddress,
    CarrierUnavailable,
    centre_down_topic,
    centre_up_topic,
    connect,
    new_client,
    query_request_topic,
    revocation_list_topic,
)
from common.wire.errors import ContainerRefused

from . import core, highwater
from .sealing import Sealer
from .store import Packed, TransmissionStore

log = logging.getLogger("ecr.transmitter")

SESSION_EXPIRY = 7 * 24 * 3600
KEEPALIVE = 300
CONNECT_TIMEOUT = 30.0
#: ``ecr sync`` ends only after this long without anything from the broker since it
#: connected, so that what the broker kept for the centre is delivered and applied.
QUIET_SECONDS = 1.5


@dataclass(frozen=True)
class LinkConfig:
    broker: BrokerAddress
    topic_root: str = "ecr"
    limits: core.Limits = field(default_factory=core.Limits)
    spool: Path | None = None  # where the high-water mark lives (the home's t2d folder)
    keys: Path | None = None  # the keys folder (a newer revocation list is kept there)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def pack_pending(store: TransmissionStore, sealer: Sealer, limits: core.Limits,
                 spool: Path | None) -> list[Packed]:
    """Seal every pending entry into recorded containers (none while a sync is needed)."""
    if store.state()["needs_sync"]:
        return []
    todo = core.plan_batches(store.pending(), sealer.centre, limits.batch_size)
    packed: list[Packed] = []
    while todo:
        batch = todo.pop(0)
        if not batch.entries:
            continue
        done = store.pack(batch, sealer, limits.max_bytes)
        if done is None:
            if store.state()["needs_sync"]:
                break
            todo[0:0] = list(core.split(batch))
            continue
        highwater.raise_to(spool, sealer.centre, done.sequence)
        packed.append(done)
    return packed


def check_history(store: TransmissionStore, centre: str, spool: Path | None) -> str:
    """At start: ask the SCEC first if this database may be older than the centre's history."""
    recorded = store.highest_recorded()
    reason = core.restore_suspected(highwater.read(spool), centre, recorded)
    if reason:
        log.warning("transmission: sync needed before sealing (%s)", reason)
        store.request_sync(reason)
    highwater.raise_to(spool, centre, recorded)
    return reason


@dataclass(frozen=True)
class Applied:
    """What one container from the SCEC did here."""

    kind: str  # 'receipt' | 'status' | 'mentions' | 'notices' | 'revocation_list' | …
    changed: int | None = None  # entries changed; None: this answer was applied before
    resend: tuple[int, ...] = ()
    reason: str = ""


def apply_answer(store: TransmissionStore, sealer: Sealer, data: bytes,
                 spool: Path | None, keys: Path | None = None) -> Applied:
    """Open and apply one container from the SCEC (a bad one is ignored and logged)."""
    try:
        answer = sealer.open_answer(data)
    except ContainerRefused as refusal:
        log.warning("transmission: an answer was refused and ignored: %s", refusal)
        return Applied("refused", reason=refusal.reason)
    answer_id = answer.opened.header.message_id
    if answer.receipt is not None:
        return Applied("receipt", store.apply_receipt(answer_id, answer.receipt))
    if answer.mentions is not None:
        return Applied("mentions", store.apply_mentions(answer_id, answer.mentions))
    if answer.notices is not None:
        return Applied("notices", store.apply_notices(answer_id, answer.notices))
    if answer.query_answer is not None:
        from .national import store_answer

        with store.conn.transaction():
            return Applied("query_answer",
                           store_answer(store.conn, answer.opened, answer.query_answer, data))
    if answer.revocation_list is not None:
        if not store.first_answer(answer_id, "revocation_list"):
            return Applied("revocation_list", None)
        if keys is not None:
            from common.pki.centre import install_revocation_list
            from common.pki.errors import PkiError

            try:
                install_revocation_list(keys, answer.revocation_list)
            except PkiError as exc:
                log.warning("transmission: revocation list refused: %s", exc)
                return Applied("refused", reason=str(exc))
        return Applied("revocation_list", 0)
    assert answer.status is not None
    mark = highwater.read(spool)
    floor = mark.highest_sequence + 1 if mark and mark.centre == sealer.centre else 1
    changed, resend = store.apply_status(answer_id, answer.status, floor=floor)
    return Applied("status", changed, tuple(resend))


def install_revocations(keys: Path | None, crl_der: bytes, sealer: Sealer) -> bool:
    """Keep the country's revocation list (verified against the CA; never an older one);
    True if it revokes this centre's own certificate, which is then logged loudly."""
    from common.pki.centre import install_revocation_list
    from common.pki.errors import PkiError

    if keys is None:
        return False
    try:
        crl = install_revocation_list(keys, crl_der)
    except PkiError as exc:
        log.warning("transmission: a revocation list was refused: %s", exc)
        return False
    own = sealer.identity.certificate.serial_number
    if crl.get_revoked_certificate_by_serial_number(own) is not None:
        log.error("transmission: this centre's certificate is REVOKED by the SCEC: its "
                  "containers will be quarantined; contact the SCEC")
        return True
    return False


class Transmitter:
    """Run the MQTT loop for one centre; ``store`` must hold the transmitter lock."""

    def __init__(self, store: TransmissionStore, sealer: Sealer, config: LinkConfig, *,
                 rng: Callable[[], float] = random.random) -> None:
        self.store = store
        self.sealer = sealer
        self.config = config
        self.centre = sealer.centre
        self.up = centre_up_topic(config.topic_root, self.centre)
        self.down = centre_down_topic(config.topic_root, self.centre)
        # national questions: asked on the query topic, answered on a response topic of
        # this persistent session (the broker keeps answers that come while we are away)
        self.questions = query_request_topic(config.topic_root, self.centre)
        self.answers = self.questions.rsplit("/", 1)[0] + "/response/transmitter"
        self.revocations = revocation_list_topic(config.topic_root)  # retained, the CA's
        self.events: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.backoff = core.Backoff(rng)
        self._client: mqtt.Client | None = None
        self._generation = 0
        self._unacked: dict[int, int] = {}  # paho mid → sequence, PUBACK awaited
        self._sync_mid: int | None = None
        self._sync_asked_at: float | None = None
        self._connected_at = 0.0
        self._last_message = 0.0

    # ------------------------------------------------------------------ running
    def run(self, stop: threading.Event, *, until_done: bool = False,
            deadline: float | None = None) -> bool:
        """Transmit until ``stop`` (or, with ``until_done``, until nothing waits); True if done."""
        check_history(self.store, self.centre, self.config.spool)
        self.store.resend_unpublished()
        keys_at_start = self._certificate_stamp()
        try:
            while not stop.is_set():
                if deadline is not None and time.monotonic() >= deadline:
                    return self.done()
                if self._certificate_stamp() != keys_at_start:
                    # ``ecr enroll`` installed a new certificate (a renewal, or a new key
                    # after a reinstatement): stop, so that the caller opens the
                    # transmission again with it (``service.run`` does at once)
                    log.info("transmission: a new certificate was installed; reopening")
                    return self.done()
                if self._client is None and not self._connect(stop, deadline):
                    continue
                self._step()
                if until_done and self.done() and self._quiet():
                    return True
                self._drain(0.5)
            return self.done()
        finally:
            self._close("")

    def _certificate_stamp(self) -> int | None:
        from common.pki.centre import CERT_FILE

        if self.config.keys is None:
            return None
        try:
            return (self.config.keys / CERT_FILE).stat().st_mtime_ns
        except OSError:
            return None

    def _quiet(self) -> bool:
        """Nothing came from the broker for a moment since we connected: what it kept for
        us while we were away (receipts, routed mentions) has been delivered."""
        return time.monotonic() - max(self._connected_at, self._last_message) >= QUIET_SECONDS

    def done(self) -> bool:
        figures = self.store.status()
        return (figures["pending"] == 0 and figures["in_flight"] == 0
                and not figures["needs_sync"])

    # --------------------------------------------------------------- connection
    def _connect(self, stop: threading.Event, deadline: float | None) -> bool:
        self._generation += 1
        gen = self._generation
        client = new_client(f"ecr-centre-{self.centre}", self.config.broker)
        # our own backoff decides when to come back, not paho's
        client.reconnect_delay_set(min_delay=3600, max_delay=3600)
        client.max_inflight_messages_set(self.config.limits.window + 2)
        # Manual acknowledgement: the broker forgets an answer (a receipt, a routed
        # mention) only once it is applied in the database; one that arrives as
        # ``ecr sync`` ends is delivered again at the next connection.
        client.manual_ack_set(True)
        client.on_message = lambda c, u, m: self.events.put(
            ("revocations" if m.topic == self.revocations else "message", gen,
             bytes(m.payload), m.mid, m.qos))
        client.on_publish = lambda c, u, mid, rc, p: self.events.put(("puback", gen, mid, rc))
        client.on_disconnect = lambda c, u, f, rc, p: self.events.put(("lost", gen, rc))
        try:
            present = connect(client, self.config.broker, CONNECT_TIMEOUT, clean_start=False,
                              session_expiry=SESSION_EXPIRY, keepalive=KEEPALIVE)
        except CarrierUnavailable as exc:
            delay = self.backoff.next_delay()
            if deadline is not None:
                delay = max(0.0, min(delay, deadline - time.monotonic()))
            log.info("transmission: %s; next attempt in %.0f s", exc, delay)
            self.store.set_link("", _now() + dt.timedelta(seconds=delay))
            stop.wait(delay)
            return False
        self._client = client
        self._connected_at = time.monotonic()
        self.backoff.reset()
        client.subscribe(self.down, qos=1)
        client.subscribe(self.answers, qos=1)
        client.subscribe(self.revocations, qos=1)
        self.store.set_link(str(self.config.broker))
        if not present:
            # A new or expired session: receipts queued for us may be gone.
            self.store.request_sync("session_absent")
        return True

    def _close(self, reason: str) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.loop_stop()
            try:
                client.disconnect()
            except Exception:  # a dead socket: nothing to close
                log.debug("disconnect failed", exc_info=True)
        if self._unacked:
            # no PUBACK came: send these again as soon as a connection is back
            self.store.forget_sends(sorted(set(self._unacked.values())))
        self._unacked.clear()
        self._sync_mid = None
        self._sync_asked_at = None
        if reason:
            log.info("transmission: connection lost (%s)", reason)
            self.store.set_link("", _now())

    # ------------------------------------------------------------------ one step
    def _publish(self, data: bytes) -> int | None:
        assert self._client is not None
        info = self._client.publish(self.up, data, qos=1)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            self._close(f"publish: {mqtt.error_string(info.rc)}")
            return None
        return int(info.mid)

    def _step(self) -> None:
        state = self.store.state()
        unreceipted = self.store.unreceipted()
        limits = self.config.limits
        ask = state["needs_sync"] or core.stale(unreceipted, limits)
        if ask and (self._sync_asked_at is None or time.monotonic() - self._sync_asked_at
                    >= limits.resend_after.total_seconds()):
            _, data = self.store.sync_request(self.sealer)
            mid = self._publish(data)
            if mid is None:
                return
            self._sync_mid, self._sync_asked_at = mid, time.monotonic()
            self.store.sync_sent()
        if not state["needs_sync"]:
            if pack_pending(self.store, self.sealer, limits, self.config.spool):
                unreceipted = self.store.unreceipted()
        self._ask_national(limits.resend_after)
        in_flight = set(self._unacked.values())
        for sequence in core.due_for_sending(unreceipted, _now(), limits, in_flight):
            _, data = self.store.container(sequence)
            self.store.sending(sequence)
            mid = self._publish(data)
            if mid is None:
                return
            self._unacked[mid] = sequence

    def _ask_national(self, resend_after: dt.timedelta) -> None:
        """Publish the national questions a workstation recorded (again if unanswered)."""
        from .national import due, mark_sent

        assert self._client is not None
        questions = due(self.store.conn, self.sealer, resend_after)
        for message_id, data in questions:
            props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
            props.ResponseTopic = self.answers
            props.CorrelationData = message_id.bytes
            info = self._client.publish(self.questions, data, qos=1, properties=props)
            if info.rc != mqtt.MQTT_ERR_SUCCESS:
                self._close(f"publish: {mqtt.error_string(info.rc)}")
                return
        if questions:
            mark_sent(self.store.conn, [message_id for message_id, _ in questions])

    def _drain(self, timeout: float) -> None:
        """Handle what the network thread reported, waiting up to ``timeout`` for the first."""
        try:
            event = self.events.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            self._handle(event)
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                return

    def _handle(self, event: tuple[Any, ...]) -> None:
        kind, gen = event[0], event[1]
        if kind == "revocations":
            install_revocations(self.config.keys, event[2], self.sealer)
            if gen == self._generation and self._client is not None:
                self._client.ack(event[3], event[4])
            return
        if kind == "message":
            # answers are valid whatever connection brought them
            applied = apply_answer(self.store, self.sealer, event[2], self.config.spool,
                                   self.config.keys)
            log.debug("transmission: %s", applied)
            self._last_message = time.monotonic()
            if gen == self._generation and self._client is not None:
                self._client.ack(event[3], event[4])  # applied (or refused): done with it
            return
        if gen != self._generation:
            return  # about a connection already closed
        if kind == "puback":
            mid, rc = event[2], event[3]
            sequence = self._unacked.pop(mid, None)
            if getattr(rc, "is_failure", False):
                log.warning("transmission: the broker refused container %s: %s", sequence, rc)
                return
            if sequence is not None:
                self.store.published(sequence)
        elif kind == "lost":
            self._close(str(event[2]))
