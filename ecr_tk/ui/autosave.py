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

from common.errors import UserError
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


#: The statuses in which an agent may still change an act.
EDITABLE = ("draft", "rejected")


def _still_editable(bench: Workbench, store: AutosaveStore, entry: Autosave) -> bool:
    """Whether ``entry`` can still be applied to its act; if not, say so once and drop it.

    A form closed after its act was saved leaves changes typed on a *draft*;
    once that act has been verified or validated (by someone else, meanwhile)
    they can never be applied, and offering them back in an editable form led
    a clerk to an act the register no longer lets anyone change (issue 13,
    bug 3).  An act that is gone or not readable is treated the same way.
    """
    from ecr_tk.labels import event_label, status_label
    from ecr_tk.ui.dialogs import Dialog

    if entry.act_id is None:
        return True
    try:
        record = bench.session.acts.show(entry.act_id)
    except UserError as exc:
        log.info("autosave %s: its act %s cannot be read (%s)", entry.key, entry.act_id,
                 exc.message)
        return True  # the editor will say why when it is opened
    if record.status in EDITABLE:
        return True
    Dialog(bench, tr("Unsaved changes no longer apply"),
           tr("Changes you typed on the {event} act {number} were not saved, and the act is "
              "now at the status \"{status}\": it can no longer be changed this way. Ask the "
              "officer if something must be corrected (a mention).",
              event=event_label(record.event_type), number=record.register_number,
              status=status_label(record.status)),
           [("ok", tr("OK"))], default="ok", cancel="ok").show()
    store.delete(entry.key)
    return False


def offer_autosaves(bench: Workbench) -> None:
    """After login: offer this user's unsaved forms back, one by one."""
    from ecr_tk.labels import datetime_text, event_label
    from ecr_tk.ui.dialogs import Dialog

    if bench.app.home is None or not bench.session.can("act.draft"):
        return
    store = AutosaveStore(bench.app.home.path)
    for entry in store.pending(bench.session.user.number):
        if not _still_editable(bench, store, entry):
            continue
        try:
            when = datetime_text(dt.datetime.fromisoformat(entry.saved_at))
        except ValueError:
            when = entry.saved_at
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
