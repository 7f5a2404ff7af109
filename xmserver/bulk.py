"""Bulk enrollment: ``xmserver centre add --bulk FILE.csv`` for a country's centres.

A ministry registers its centres from a spreadsheet: one row per centre, with
the columns ``code, name, region, contact``.  Every row is checked before
anything is written; a refused row is reported with its line and the reason.
Then, in **one transaction**, each new centre is registered and given a
one-time enrollment token (returned, to be handed over: only their digests are
stored).  Nothing is half-done: either the whole file (less the refused rows,
when the operator asks to go on without them) is recorded, or nothing is.

Running the same file again is a no-op: a centre already registered with the
same name, region and contact is reported ``unchanged`` and gets no new token
(``--new-tokens`` gives fresh ones to centres not yet enrolled, e.g. when the
first tokens expired); a row that disagrees with what is registered is refused
(``differs``) rather than silently overwriting the directory.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from common.errors import UserError
from common.i18n import translator
from common.pki.enrollment import new_token, token_digest
from xmserver.centres import DEFAULT_TOKEN_HOURS, Conn

tr = translator("scec")

COLUMNS = ("code", "name", "region", "contact")
MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 200_000
LIMITS = {"name": 200, "region": 100, "contact": 200}
_CODE = re.compile(r"^[0-9]{6}$")


@dataclass(frozen=True)
class CentreRow:
    line: int
    code: str
    name: str
    region: str
    contact: str


@dataclass(frozen=True)
class RefusedRow:
    line: int
    code: str
    reason: str  # a stable key
    message: str  # translated


@dataclass(frozen=True)
class BulkResult:
    registered: tuple[tuple[CentreRow, str], ...]  # (row, one-time token)
    renewed: tuple[tuple[CentreRow, str], ...]  # not yet enrolled, fresh token (--new-tokens)
    unchanged: tuple[CentreRow, ...]
    refused: tuple[RefusedRow, ...]
    written: bool
    expires_at: dt.datetime


def _forbidden(text: str) -> str | None:
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return f"U+{ord(ch):04X}"
    return None


def read_rows(data: bytes) -> tuple[list[CentreRow], list[RefusedRow]]:
    """Parse and check the file; every problem is a refused row, never an exception."""
    if len(data) > MAX_BYTES:
        raise UserError(tr("The file is larger than {mb} MB", mb=MAX_BYTES // (1024 * 1024)),
                        field="bulk", rule="too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(tr("The file is not UTF-8 text (byte {at}): save it as CSV UTF-8",
                           at=exc.start), field="bulk", rule="not_utf8") from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[CentreRow] = []
    refused: list[RefusedRow] = []
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise UserError(tr("The first line is not CSV: {error}", error=exc), field="bulk",
                        rule="bad_csv") from None
    missing = [c for c in COLUMNS[:2] if c not in header]
    if missing:
        raise UserError(tr("The first line must name the columns {columns}; missing: {missing}",
                           columns=", ".join(COLUMNS), missing=", ".join(missing)),
                        field="bulk", rule="bad_header")
    position = {c: header.index(c) for c in COLUMNS if c in header}
    seen: dict[str, int] = {}
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            refused.append(RefusedRow(reader.line_num, "", "bad_csv", str(exc)))
            break  # the reader cannot resynchronise after a broken quote
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(rows) + len(refused) >= MAX_ROWS:
            raise UserError(tr("The file has more than {n} rows", n=MAX_ROWS), field="bulk",
                            rule="too_many_rows")
        values = {c: (cells[i].strip() if i < len(cells) else "") for c, i in position.items()}
        code = values.get("code", "")
        problem = _check(values, seen)
        if problem:
            refused.append(RefusedRow(line, code, *problem))
            continue
        seen[code] = line
        rows.append(CentreRow(line, code, values["name"], values.get("region", ""),
                              values.get("contact", "")))
    return rows, refused


def _check(values: dict[str, str], seen: dict[str, int]) -> tuple[str, str] | None:
    code = values.get("code", "")
    if not _CODE.match(code):
        return "bad_code", tr("code {code!r}: a centre code is exactly 6 digits", code=code)
    if code in seen:
        return "duplicate", tr("code {code} is already on line {line}", code=code,
                               line=seen[code])
    if not values.get("name"):
        return "name_required", tr("the name is required")
    for column, limit in LIMITS.items():
        value = values.get(column, "")
        if len(value) > limit:
            return "too_long", tr("{column}: at most {limit} characters", column=column,
                                  limit=limit)
        bad = _forbidden(value)
        if bad:
            return "forbidden_character", tr("{column}: forbidden character {char}",
                                             column=column, char=bad)
    return None


def enroll_bulk(conn: Conn, data: bytes, *, token_hours: int = DEFAULT_TOKEN_HOURS,
                skip_refused: bool = False, new_tokens: bool = False,
                now: dt.datetime | None = None) -> BulkResult:
    """Check every row, then register the centres in one transaction (see the module)."""
    now = now or dt.datetime.now(dt.UTC)
    expires = now + dt.timedelta(hours=token_hours)
    rows, refused = read_rows(data)
    registered: list[tuple[CentreRow, str]] = []
    renewed: list[tuple[CentreRow, str]] = []
    unchanged: list[CentreRow] = []
    with conn.transaction():
        codes = [r.code for r in rows]
        known = {r[0]: r[1:] for r in conn.execute(
            "SELECT code, name, region, contact, status, EXISTS (SELECT 1 FROM"
            " centre_certificate cc WHERE cc.centre_code = c.code) FROM centre c"
            " WHERE code = ANY (%s) FOR UPDATE", (codes,)).fetchall()}
        fresh: list[CentreRow] = []
        for row in rows:
            if row.code not in known:
                fresh.append(row)
                continue
            name, region, contact, status, enrolled = known[row.code]
            if (name, region, contact) != (row.name, row.region, row.contact):
                refused.append(RefusedRow(row.line, row.code, "differs", tr(
                    "centre {code} is registered as {name!r} ({region}): change it with "
                    "xmserver, not by bulk", code=row.code, name=name, region=region)))
            elif status == "revoked":
                refused.append(RefusedRow(row.line, row.code, "centre_revoked", tr(
                    "centre {code} is revoked", code=row.code)))
            elif new_tokens and not enrolled:
                renewed.append((row, new_token()))
            else:
                unchanged.append(row)
        refused.sort(key=lambda r: r.line)
        if refused and not skip_refused:
            return BulkResult((), (), tuple(unchanged), tuple(refused), False, expires)
        for row in fresh:
            registered.append((row, new_token()))
        with conn.cursor().copy("COPY centre (code, name, region, contact, created_at)"
                                " FROM STDIN") as copy:
            for row, _ in registered:
                copy.write_row((row.code, row.name, row.region, row.contact, now))
        issued = registered + renewed
        conn.execute("UPDATE enrollment_token SET expires_at = %s WHERE centre_code = ANY (%s)"
                     " AND used_at IS NULL AND expires_at > %s",
                     (now, [r.code for r, _ in renewed], now))
        with conn.cursor().copy("COPY enrollment_token (centre_code, token_digest, created_at,"
                                " expires_at) FROM STDIN") as copy:
            for row, token in issued:
                copy.write_row((row.code, token_digest(token),
                                now - dt.timedelta(microseconds=1), expires))
    return BulkResult(tuple(registered), tuple(renewed), tuple(unchanged), tuple(refused),
                      True, expires)


def write_tokens(path: Path, issued: Sequence[tuple[CentreRow, str]],
                 expires: dt.datetime) -> None:
    """The tokens to hand over, one row per centre, readable by the operator only."""
    from common.pki.keys import write_file_atomically

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("code", "name", "region", "token", "expires_utc"))
    for row, token in issued:
        writer.writerow((row.code, row.name, row.region, token,
                         expires.strftime("%Y-%m-%d %H:%M")))
    write_file_atomically(path, out.getvalue().encode("utf-8"), mode=0o600)
