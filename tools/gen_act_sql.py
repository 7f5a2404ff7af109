"""Write the generated act-dictionary migration of the centre database.

Usage: ``.venv/bin/python tools/gen_act_sql.py [--check] [--folder DIR]``

The file is ``<folder>/04NN_act_dictionary_vD.sql`` where D is the dictionary
version (``common/acts/sqlgen.py`` says what it holds): the existing file of
that version is rewritten (allowed only while it has not been released), or a
new one takes the next free number of 0401–0409.  With ``--check`` nothing is
written; the exit code is 1 when the committed file differs from what the
dictionary (and this Python's Unicode database) generates; the test suite runs
this check.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common.acts.dictionary import DICTIONARY_VERSION  # noqa: E402
from common.acts.sqlgen import generate  # noqa: E402

DEFAULT_FOLDER = ROOT / "common" / "db" / "migrations" / "centre"
FIRST, LAST = 401, 409  # the numbers given to this file in the centre set


def target_file(folder: Path, version: int = DICTIONARY_VERSION) -> Path:
    """The migration file of dictionary ``version``: existing, or the next free number."""
    pattern = re.compile(rf"^(\d{{4}})_act_dictionary_v{version}\.sql$")
    for f in sorted(folder.iterdir()):
        if pattern.match(f.name):
            return f
    used = {int(f.name[:4]) for f in folder.iterdir() if re.match(r"^\d{4}_", f.name)}
    for n in range(FIRST, LAST + 1):
        if n not in used:
            return folder / f"{n:04d}_act_dictionary_v{version}.sql"
    raise SystemExit(f"no free migration number left in {FIRST:04d}-{LAST:04d}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    args = parser.parse_args(argv)
    path = target_file(args.folder)
    text = generate()
    current = path.read_text("utf-8") if path.exists() else None
    if args.check:
        if current != text:
            print(f"{path} is out of date: run tools/gen_act_sql.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        path.write_text(text, "utf-8")
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
