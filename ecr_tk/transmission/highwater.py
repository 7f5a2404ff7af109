"""The centre's high-water mark: the highest sequence it ever recorded, outside its backups.

``ecr backup`` archives the database and the home's settings, keys and
templates, so a marker kept in either comes back old after ``ecr restore``.
This one lives in the home's transmission spool (``t2d/``), which backups leave
out (``common.db.backup``): after a restore of an older database it is *ahead*
of the database, and the transmitter knows to ask the SCEC before numbering
anything (``core.restore_suspected``).  A missing file (a fresh home, a new
machine) is a doubt, and a doubt also means: ask.

Written after the database transaction that recorded a sequence and before
that container is published or exported, so it is never behind what the SCEC
may have seen.  Never read or written elsewhere.
"""

from __future__ import annotations

import json
from pathlib import Path

from common.db import files

from .core import HighWaterMark

FILE = "transmitter-high-water.json"


def path_in(spool: Path) -> Path:
    return spool / FILE


def read(spool: Path | None) -> HighWaterMark | None:
    if spool is None:
        return None
    try:
        doc = json.loads(path_in(spool).read_bytes())
        return HighWaterMark(str(doc["centre"]), int(doc["highest_sequence"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def raise_to(spool: Path | None, centre: str, sequence: int) -> None:
    """Record ``sequence`` as used (the mark only ever goes up)."""
    if spool is None:
        return
    current = read(spool)
    if current is not None and current.centre == centre and current.highest_sequence >= sequence:
        return
    spool.mkdir(parents=True, exist_ok=True)
    files.atomic_write(path_in(spool), json.dumps(
        {"centre": centre, "highest_sequence": sequence}).encode("utf-8"))
