"""T2D for the centre: the outbox to a folder on removable media, the SCEC's answers back.

``export`` writes what an online transmitter would publish: every recorded
container without a receipt (the very bytes, the very message ids; new ones are
packed first, exactly as online), and the centre's SYNC_REQUEST when it needs
one.  Entries written count as sent (the act becomes ``transmitted``).
Unanswered national queries go too (``national.seal_open``).
``import_answers`` applies every receipt, STATUS and answer the SCEC wrote for this
centre; a damaged file is refused by name and the rest applied; what was
applied before is a no-op, so importing the same folder twice changes nothing.

The folder format and its atomic writes are ``common.transport.t2d``'s; this
module never decides a transmission rule itself (``core``, ``store``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from common.transport import t2d

from . import national
from .service import Transmission
from .transmitter import apply_answer, check_history, pack_pending

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class ExportReport:
    folder: str
    containers: int
    sync_request: bool
    files: tuple[str, ...] = ()
    national_queries: int = 0  # questions for the SCEC, answered in the next folder back


@dataclass(frozen=True)
class ImportReport:
    folder: str
    receipts: int = 0
    statuses: int = 0
    already_applied: int = 0
    others: int = 0  # routed mentions, revocation lists, answers to national queries
    entries_changed: int = 0
    ignored: tuple[tuple[str, str], ...] = ()  # (file, reason): refused or not for us
    refused_files: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def export(t: Transmission, root: Path, progress: Progress | None = None) -> ExportReport:
    store, sealer = t.store, t.sealer
    check_history(store, sealer.centre, t.config.spool)
    pack_pending(store, sealer, t.config.limits, t.config.spool)
    files: list[tuple[str, bytes]] = []
    state = store.state()
    if state["needs_sync"]:
        message_id, data = store.sync_request(sealer)
        files.append((t2d.file_name(0, message_id), data))
    containers = store.unreceipted()
    for c in containers:
        message_id, data = store.container(c.sequence)
        files.append((t2d.file_name(c.sequence, message_id), data))
    questions = national.seal_open(store.conn, sealer)
    files += [(t2d.file_name(0, message_id), data) for message_id, data in questions]
    total = len(files)
    if progress:
        progress(0, total)
    written = t2d.write_folder(root, t2d.TO_SCEC, sealer.centre, files)
    for done, c in enumerate(containers, start=1):
        store.sending(c.sequence)
        store.published(c.sequence)
        if progress:
            progress(done, total)
    if state["needs_sync"]:
        store.sync_sent()
    national.mark_sent(store.conn, [message_id for message_id, _ in questions])
    if progress:
        progress(total, total)
    folder = t2d.folder_of(root, t2d.TO_SCEC, sealer.centre)
    return ExportReport(str(folder), len(containers), bool(state["needs_sync"]),
                        tuple(written), len(questions))


def import_answers(t: Transmission, root: Path,
                   progress: Progress | None = None) -> ImportReport:
    contents = t2d.read_folder(root, t2d.TO_CENTRE, t.sealer.centre)
    receipts = statuses = again = changed = others = 0
    ignored: list[tuple[str, str]] = []
    total = len(contents.files)
    for done, item in enumerate(contents.files, start=1):
        applied = apply_answer(t.store, t.sealer, item.data, t.config.spool, t.config.keys)
        if applied.kind == "refused":
            ignored.append((item.name, applied.reason))
        elif applied.changed is None:
            again += 1
        else:
            changed += applied.changed
            if applied.kind == "receipt":
                receipts += 1
            elif applied.kind == "status":
                statuses += 1
            else:
                others += 1
        if progress:
            progress(done, total)
    return ImportReport(str(t2d.folder_of(root, t2d.TO_CENTRE, t.sealer.centre)), receipts,
                        statuses, again, others, changed, tuple(ignored),
                        tuple((r.name, r.reason) for r in contents.refused))
