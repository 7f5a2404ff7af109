"""Ingest throughput: containers from many centres into the central PostgreSQL, vs raw COPY.

    PYTHONPATH=. .venv/bin/python bench/ingest.py --centres 20 --acts 6000
    PYTHONPATH=. .venv/bin/python bench/ingest.py --corpus /tmp/foreign.jsonl

Makes a throwaway SCEC (``xmserver init``'s schema and PKI), enrolls the
centres through the real enrollment code, seals each centre's acts in
containers of ``--batch`` acts (the transmitter's default size), then, in the
same run and on the same tables:

* ``acts_per_s_1_worker``: one process calls ``xmserver.ingest.ingest`` on every
  container (what a worker does for each MQTT message: open, verify, decode,
  check each act, store in one transaction with its receipt);
* ``acts_per_s_2_workers``: two processes, each with its own connection and its
  own centres (the broker's shared subscription spreads centres so);
* ``copy_acts_per_s``: a raw ``COPY`` of the very rows ingest wrote (read back
  from the register) into the same, emptied tables: the ceiling of the storage;
* ``copy_ratio`` = 2-worker rate ÷ COPY rate (the issue's target: ≥ 0.5).

Also ``stages_us_per_act`` from one extra single-process pass: where the time
goes (opening the container, checking acts, the database).  Prints JSON.
MQTT itself is not in the loop (bench/link.py measures the whole path).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

ADMIN = os.environ.get("ECR_BENCH_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PASSPHRASE = "bench SCEC passphrase"


def _dsn(name: str) -> str:
    return ADMIN.rsplit("dbname=", 1)[0] + f"dbname={name}"


def _setup(centres: int, acts: int, batch: int, corpus: str | None, work: Path
           ) -> tuple[str, str, list[tuple[str, list[bytes]]], int]:
    from common.acts.actjson import parse_act_record
    from common.pki import centre as centre_pki
    from common.wire.corpus import MEASURE_SEED, realistic_records
    from tests.xmserver.senders import Sender
    from xmserver.centres import add_centre
    from xmserver.cli import main as xm
    from xmserver.enrollment import handle_enrollment

    name = f"ecr_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as c:
        c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = _dsn(name)
    pki_dir = work / "pki"
    assert xm(["--db", dsn, "--pki-dir", str(pki_dir), "init", "--country", "SN",
               "--organisation", "Bench"]) == 0
    from xmserver.pki_store import load_pki

    pki = load_pki(pki_dir, PASSPHRASE.encode())
    foreign = None
    if corpus:
        foreign = [parse_act_record(line) for line in Path(corpus).read_bytes().splitlines()
                   if line.strip()]
    per = (len(foreign) if foreign else acts) // centres
    sealed: list[tuple[str, list[bytes]]] = []
    total = 0
    for i in range(centres):
        code = f"{300001 + i}"
        keys = work / f"keys-{code}"
        centre_pki.create_centre_key(keys, code)
        with psycopg.connect(dsn, autocommit=True) as conn:
            token = add_centre(conn, code)
            response = handle_enrollment(conn, pki,
                                         centre_pki.enrollment_request(keys, token).to_bytes())
        centre_pki.install_response(keys, response)
        sender = Sender(centre_pki.load_centre_identity(keys))
        if foreign:
            records = [_as_centre(r, code) for r in foreign[i * per:(i + 1) * per]]
        else:
            records = realistic_records(per, seed=MEASURE_SEED + i, centre_code=code)
        containers = [sender.acts(records[j:j + batch], j // batch + 1)[1]
                      for j in range(0, len(records), batch)]
        sealed.append((code, containers))
        total += len(records)
    return name, str(pki_dir), sealed, total


def _as_centre(record: Any, code: str) -> Any:
    """A corpus act renumbered for another centre (its NIU carries the centre code)."""
    import dataclasses

    from common.acts.niu import make_niu

    niu = record.niu
    return dataclasses.replace(record, centre_code=code,
                               niu=make_niu(code, int(niu[6:10]), int(niu[10:17])).value)


def _ingest_all(args: tuple[str, str, list[list[bytes]]]) -> tuple[float, int]:
    dsn, pki_dir, work = args
    os.environ["XMSERVER_KEY_PASSPHRASE"] = PASSPHRASE
    from xmserver.ingest import ingest
    from xmserver.pki_store import load_pki

    pki = load_pki(Path(pki_dir))
    stored = 0
    with psycopg.connect(dsn, autocommit=True) as conn:
        start = time.perf_counter()
        for containers in work:
            for data in containers:
                stored += ingest(conn, pki, data).stored
        return time.perf_counter() - start, stored


def _reset(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("TRUNCATE act, seen_message, outgoing, conflict, quarantine, audit_mark,"
                     " routed_mention, stats_source.pending")
        conn.execute("UPDATE centre SET next_outgoing = 1")


def _run(dsn: str, pki_dir: str, sealed: list[tuple[str, list[bytes]]], workers: int,
         total: int) -> float:
    _reset(dsn)
    shares: list[list[list[bytes]]] = [[] for _ in range(workers)]
    for i, (_, containers) in enumerate(sealed):
        shares[i % workers].append(containers)
    ctx = mp.get_context("spawn")
    with ctx.Pool(workers) as pool:
        start = time.perf_counter()
        results = pool.map(_ingest_all, [(dsn, pki_dir, s) for s in shares])
        elapsed = time.perf_counter() - start
    assert sum(r[1] for r in results) == total, "every act stored once"
    slowest = max(r[0] for r in results)  # excludes process start-up
    return total / min(elapsed, slowest) if slowest else 0.0


def _copy_rate(dsn: str, total: int) -> float:
    with psycopg.connect(dsn, autocommit=True) as conn:
        cols = ("niu, reg_year, centre, event_type, register_number, registered_on, occurred_on,"
                " record, content_sha256, mention_count, name_keys, message_id, received_at")
        # the rows as ingest writes them (the record as JSON text), prepared before timing
        rows = [(*r[:7], json.dumps(r[7], ensure_ascii=False), *r[8:])
                for r in conn.execute(f"SELECT {cols} FROM act").fetchall()]
        conn.execute("TRUNCATE act")
        start = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur, cur.copy(
                f"COPY act ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        elapsed = time.perf_counter() - start
    assert len(rows) == total
    return total / elapsed


def _stages(dsn: str, pki_dir: str, sealed: list[tuple[str, list[bytes]]]) -> dict[str, float]:
    """Microseconds per act in each stage, measured apart on one process."""
    os.environ["XMSERVER_KEY_PASSPHRASE"] = PASSPHRASE
    import datetime as dt

    from common.wire import compression
    from common.wire.acts_codec import decode_acts
    from common.wire.container import open_container
    from xmserver import ingest as ing
    from xmserver.pki_store import load_pki

    _reset(dsn)
    pki = load_pki(Path(pki_dir))
    containers = [d for _, cs in sealed for d in cs]
    acts = 0
    t_open = t_decode = t_check = 0.0
    with psycopg.connect(dsn, autocommit=True) as conn:
        directory = ing._NoReplayCheck(conn)
        for data in containers:
            a = time.perf_counter()
            opened = open_container(data, pki.recipient_key(), directory)
            b = time.perf_counter()
            records = decode_acts(opened.body, validate=False,
                                  vocabulary=compression.vocabulary(opened.header.dictionary))
            c = time.perf_counter()
            today = dt.date.today() + dt.timedelta(days=1)
            for r in records:
                _, derived = ing._act_problem(r, opened.header.centre, today)
                assert derived is not None and derived.summary is not None
                ing._act_row(r, r.to_json().decode(), b"\0" * 32, derived.summary,
                             opened.header.message_id, dt.datetime.now(dt.UTC))
            d = time.perf_counter()
            t_open, t_decode, t_check = t_open + b - a, t_decode + c - b, t_check + d - c
            acts += len(records)
    us = 1e6 / acts
    return {"open_verify": round(t_open * us, 1), "decode": round(t_decode * us, 1),
            "check_and_keys": round(t_check * us, 1)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--centres", type=int, default=20)
    p.add_argument("--acts", type=int, default=6000)
    p.add_argument("--batch", type=int, default=200)
    p.add_argument("--corpus", default=None, help="JSONL of ecr-act/1 records (foreign data)")
    args = p.parse_args()
    os.environ["XMSERVER_KEY_PASSPHRASE"] = PASSPHRASE
    os.environ.setdefault("ECR_KEY_PASSPHRASE", "bench centre passphrase")
    with tempfile.TemporaryDirectory() as tmp:
        name, pki_dir, sealed, total = _setup(args.centres, args.acts, args.batch, args.corpus,
                                              Path(tmp))
        dsn = _dsn(name)
        try:
            one = _run(dsn, pki_dir, sealed, 1, total)
            two = _run(dsn, pki_dir, sealed, 2, total)
            copy = _copy_rate(dsn, total)
            stages = _stages(dsn, pki_dir, sealed)
        finally:
            with psycopg.connect(ADMIN, autocommit=True) as c:
                c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                          .format(sql.Identifier(name)))
    json.dump({"acts": total, "centres": args.centres, "batch": args.batch,
               "corpus": args.corpus or "generator", "cores": os.cpu_count(),
               "acts_per_s_1_worker": round(one), "acts_per_s_2_workers": round(two),
               "copy_acts_per_s": round(copy), "copy_ratio": round(two / copy, 3),
               "stages_us_per_act": stages}, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
