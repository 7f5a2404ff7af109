"""Transmission as the CLI and the desktop application use it (the composition root).

``sync`` (one pass), ``run`` (the long-running service), ``status`` (the figures,
whoever transmits) and ``export_t2d`` / ``import_t2d``.  Each opens one owner
connection and takes the centre's transmitter lock for its whole run: a second
transmitter on the same database is refused with ``TransmitterBusy`` (the
others only show status).  Settings come from the home (``transmission.*``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg

from common.db.connect import DatabaseConfig, owner_connection
from common.errors import UserError
from common.i18n import translator
from common.pki.centre import CA_FILE, CERT_FILE, KEY_FILE
from common.pki.keys import centre_passphrase
from common.transport.mqtt import BrokerAddress, TlsIdentity
from ecr_tk.home import CentreHome

from . import core
from .sealing import Sealer
from .store import TransmissionStore
from .transmitter import LinkConfig, Transmitter

tr = translator("centre")
log = logging.getLogger("ecr.transmitter")


class TransmitterBusy(UserError):
    """Another process already transmits for this centre database."""


@dataclass(frozen=True)
class Transmission:
    """An opened transmission: the locked store, the keys, the link settings."""

    store: TransmissionStore
    sealer: Sealer
    config: LinkConfig


def limits_of(home: CentreHome) -> core.Limits:
    s = home.settings
    return core.Limits(batch_size=s["transmission.batch_size"],
                       max_bytes=s["transmission.max_bytes"], window=s["transmission.window"],
                       resend_after=dt.timedelta(seconds=s["transmission.resend_seconds"]))


def link_config(home: CentreHome) -> LinkConfig:
    s = home.settings
    tls = None
    if s["transmission.tls"]:
        keys = home.folder("keys")
        tls = TlsIdentity(keys / CA_FILE, keys / CERT_FILE, keys / KEY_FILE,
                          key_password=centre_passphrase(keys))
    return LinkConfig(BrokerAddress.parse(s["transmission.broker"], tls),
                      s["transmission.topic_root"], limits_of(home), home.folder("t2d"),
                      home.folder("keys"))


@contextlib.contextmanager
def opened(home: CentreHome, config: DatabaseConfig | None = None) -> Iterator[Transmission]:
    """The centre's transmission, locked for this process; ``TransmitterBusy`` otherwise."""
    sealer = Sealer.from_keys(home.folder("keys"))
    with owner_connection(config or home.database_config()) as conn:
        store = TransmissionStore(conn, sealer.centre)
        if not store.try_lock():
            raise TransmitterBusy(tr("Another workstation or service already transmits for "
                                     "this centre; this one only shows the status"),
                                  field="transmitter", rule="transmitter_busy")
        store.reseal_for_new_key(sealer)  # after a reinstatement: the old key is revoked
        yield Transmission(store, sealer, link_config(home))


def status(home: CentreHome, config: DatabaseConfig | None = None) -> dict[str, Any]:
    """The figures of ``ecr transmission status`` (read as the owner; no lock needed)."""
    with owner_connection(config or home.database_config()) as conn:
        store = TransmissionStore(conn, home.settings["centre.code"])
        figures = store.status()
        figures["transmitter_running"] = TransmissionStore.lock_held_elsewhere(conn)
    figures["centre_revoked"] = centre_revoked(home)
    ready: dict[str, Any] = json_ready(figures)
    return ready


def centre_revoked(home: CentreHome) -> bool:
    """The country's latest revocation list this centre holds names its own certificate."""
    from cryptography import x509

    from common.pki.centre import CRL_FILE

    keys = home.folder("keys")
    try:
        crl = x509.load_der_x509_crl((keys / CRL_FILE).read_bytes())
        own = x509.load_pem_x509_certificate((keys / CERT_FILE).read_bytes())
    except (OSError, ValueError):
        return False  # not enrolled yet, or no list received
    return crl.get_revoked_certificate_by_serial_number(own.serial_number) is not None


def json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_ready(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    return value


def sync(home: CentreHome, wait: float, config: DatabaseConfig | None = None) -> dict[str, Any]:
    """One pass: send what is pending, wait up to ``wait`` seconds for the receipts."""
    with opened(home, config) as t:
        done = Transmitter(t.store, t.sealer, t.config).run(
            threading.Event(), until_done=True, deadline=time.monotonic() + wait)
        figures: dict[str, Any] = json_ready(t.store.status())
    figures["done"] = done
    figures["centre_revoked"] = centre_revoked(home)
    return figures


def run(home: CentreHome, stop: threading.Event, config: DatabaseConfig | None = None) -> None:
    """Transmit until ``stop`` is set; the database connection is retried if it drops."""
    while not stop.is_set():
        try:
            with opened(home, config) as t:
                Transmitter(t.store, t.sealer, t.config).run(stop)
        except psycopg.OperationalError as exc:
            # the database restarted under us: the outbox is intact, start again
            log.warning("database lost: %s", exc)
            stop.wait(5)


def busy(home: CentreHome, config: DatabaseConfig | None = None) -> bool:
    with owner_connection(config or home.database_config()) as conn:
        return TransmissionStore.lock_held_elsewhere(conn)


__all__ = [
    "Transmission",
    "TransmitterBusy",
    "busy",
    "limits_of",
    "link_config",
    "opened",
    "run",
    "status",
    "sync",
]
