"""Bytes per act of the containers the centre transmitter really writes (outbox → T2D export).

    PYTHONPATH=. .venv/bin/python bench/outbox_containers.py 400

Makes a throwaway centre on the local PostgreSQL, validates N generated births
through the real workflow, exports them with ``ecr t2d export``'s code (the same
bytes as MQTT), and prints JSON: acts, containers, bytes, bytes_per_act and the
seconds those bytes take on a 22 kbps link (upstream only, TLS/MQTT framing not
counted). Not part of the test run.
"""
import datetime as dt
import json
import random
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from common.acts.generator import generate_act
from common.acts.validation import validate
from common.errors import UserError
from ecr_tk.services import Centre
from ecr_tk.transmission import service, t2d
from tests.centre.transmission.conftest import enroll
from tests.common.pki.factory import authority

N = int(sys.argv[1])
admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
name = f"ecr_measure_{uuid.uuid4().hex[:8]}"
with psycopg.connect(admin, autocommit=True) as c:
    c.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
try:
    tmp = Path(tempfile.mkdtemp())
    centre = Centre.init(tmp / "home", "224001", "Mesure", 1, "Awa Diop", "officer-pass-1",
                         dsn=f"host=127.0.0.1 port=5432 user=postgres dbname={name}")
    enroll(centre, authority())
    o = centre.login(1, "officer-pass-1")
    o.users.add(2, "Moussa Fall", "secretary", "secretary-pass-1")
    o.users.add(3, "Fatou Sarr", "agent", "agent-pass-01")
    s, a = centre.login(2, "secretary-pass-1"), centre.login(3, "agent-pass-01")
    done = seed = 0
    while done < N:
        seed += 1
        act = generate_act("birth", random.Random(seed), complete=True)
        if not validate("birth", act.data, today=dt.date.today()).ok:
            continue
        try:
            r = a.acts.draft("birth", act.data, confirm_duplicates=True)
            s.acts.verify(r.id)
            o.acts.validate(r.id)
        except UserError:  # a generated act the centre refuses (a link rule…): skip it
            continue
        done += 1
    with service.opened(centre.home) as t:
        rep = t2d.export(t, tmp / "usb")
    files = list((tmp / "usb").rglob("*.ecr"))
    total = sum(f.stat().st_size for f in files)
    print(json.dumps({"acts": N, "containers": len(files), "bytes": total,
                      "bytes_per_act": round(total / N, 1),
                      "seconds_at_22kbps": round(total * 8 / 22000, 2)}))
    centre.close()
finally:
    with psycopg.connect(admin, autocommit=True) as c:
        c.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
