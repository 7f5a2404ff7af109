"""Unsaved act forms kept on disk, so that no typing is lost.

While an agent types, the form is written every few seconds to
``<home>/autosave/<key>.json`` (atomically); the file is removed once the act is
saved in the database.  A form closed without saving, a window closed, a
crash or a power cut leaves the file behind, and the next login of the same
user offers it back.  Values that are not readable yet (a half-typed date) are
kept as typed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.i18n import translator

if TYPE_CHECKING:
    from ecr_tk.ui.workbench import Workbench

tr = translator("ui")
log = logging.getLogger("ecr.ui")

FOLDER = "autosave"


@dataclass(frozen=True)
class Autosave:
    key: str
    user: int
    event_type: str
    act_id: int | None
    data: dict[str, Any]
    texts: dict[str, str]
    saved_at: str

    def as_json(self) -> bytes:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1).encode("utf-8")


class AutosaveStore:
    """The autosave files of one home folder."""

    def __init__(self, home: Path) -> None:
        self.folder = Path(home) / FOLDER

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex

    def write(self, key: str, *, user: int, event_type: str, act_id: int | None,
              data: dict[str, Any], texts: dict[str, str]) -> Autosave:
        entry = Autosave(key, user, event_type, act_id, data, texts,
                         dt.datetime.now().isoformat(timespec="seconds"))
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(entry.as_json())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.folder / f"{key}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return entry

    def delete(self, key: str) -> None:
        (self.folder / f"{key}.json").unlink(missing_ok=True)

    def pending(self, user: int) -> list[Autosave]:
        """This user's unsaved forms, oldest first (an unreadable file is skipped, logged)."""
        out: list[Autosave] = []
        if not self.folder.is_dir():
            return out
        for path in sorted(self.folder.glob("*.json")):
            try:
                raw = json.loads(path.read_text("utf-8"))
                entry = Autosave(**raw)
            except (OSError, ValueError, TypeError) as exc:
                log.warning("unreadable autosave %s: %s", path, exc)
                continue
            if entry.user == user:
                out.append(entry)
        return sorted(out, key=lambda e: e.saved_at)


def offer_autosaves(bench: Workbench) -> None:
    """After login: offer this user's unsaved forms back, one by one."""
    from ecr_tk.labels import event_label
    from ecr_tk.ui.dialogs import Dialog

    if bench.app.home is None or not bench.session.can("act.draft"):
        return
    store = AutosaveStore(bench.app.home.path)
    for entry in store.pending(bench.session.user.number):
        when = entry.saved_at.replace("T", " ")[:16]
        answer = Dialog(
            bench, tr("Unsaved act found"),
            tr("A {event} act you were typing was not saved ({when}). Do you want to go on "
               "with it?", event=event_label(entry.event_type), when=when),
            [("discard", tr("Throw it away")), ("later", tr("Later")),
             ("restore", tr("Go on with it"))],
            default="restore", cancel="later").show()
        if answer == "discard":
            store.delete(entry.key)
        elif answer == "restore":
            bench.open("act.edit", event_type=entry.event_type, act_id=entry.act_id,
                       restore=entry)
            return
