"""The desktop application's background transmitter (standalone centre, or the lock holder).

Started by the application once the centre is open, if this PC can transmit:
the centre is enrolled, and its database is reached as the owner (a standalone
centre, or the workstation that is also the centre's server).  A workstation
that reaches the database as the application role only shows the status.
When another process already holds the transmitter lock, the worker waits and
tries again now and then (it takes over when the other one stops).

T2D from the application needs the lock too: ``pause()`` stops the loop and
gives it up, ``resume()`` starts it again.  Nothing here touches Tk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from common.db.connect import DatabaseConfig
from common.pki.centre import CERT_FILE
from ecr_tk.home import CentreHome

from . import service

log = logging.getLogger("ecr.transmitter")
RETRY_LOCK_SECONDS = 60.0
T = TypeVar("T")


def can_transmit(home: CentreHome, config: DatabaseConfig) -> bool:
    """Enrolled, and the database reached as its owner (not as the application role)."""
    from ecr_tk.services.centre import _is_app_dsn

    return (home.folder("keys") / CERT_FILE).exists() and not _is_app_dsn(config)


class BackgroundTransmitter:
    def __init__(self, home: CentreHome, config: DatabaseConfig) -> None:
        self.home = home
        self.config = config
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.transmitting = False  # this process holds the lock now
        self._pause_lock = threading.Lock()

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ecr-transmitter", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        stop = self._stop
        while not stop.is_set():
            try:
                with service.opened(self.home, self.config) as t:
                    self.transmitting = True
                    from .transmitter import Transmitter

                    Transmitter(t.store, t.sealer, t.config).run(stop)
            except service.TransmitterBusy:
                pass  # another workstation or the server transmits: we show status
            except Exception:
                log.exception("the background transmitter stopped; it starts again")
            finally:
                self.transmitting = False
            stop.wait(RETRY_LOCK_SECONDS)

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout)

    def paused(self, work: Callable[[], T]) -> T:
        """Run ``work`` (a T2D export or import) with the loop stopped, then start it again."""
        with self._pause_lock:
            running = self._thread is not None
            self.stop()
            try:
                return work()
            finally:
                if running:
                    self.start()
