"""What the backup tests share: a real centre with acts, a fingerprint, and archive surgery.

The surgery plays someone who holds an archive (and, in some tests, its
passphrase): it opens the sealed file, changes the tar inside, recomputes the
manifest's checksums as an attacker would, and writes the result sealed or not.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

from common.db.backup_cipher import SealedReader, SealedWriter
from common.db.connect import DatabaseConfig, owner_connection
from ecr_tk.home import CentreHome
from ecr_tk.services.demo import DEMO_PASSWORD, build_demo

PASSPHRASE = "la pirogue rouge du marché de Mfou"
OFFICER = 1
OFFICER_PASSWORD = DEMO_PASSWORD


def make_centre(path: Path, dsn: str | None = None, *, acts: int = 8) -> CentreHome:
    """A real centre (migrations, roles, key, officer, staff) with acts at every stage."""
    build_demo(path, dsn, acts=acts, seed=3, workstation="backup-test")
    home = CentreHome.open(path)
    (home.folder("templates") / "birth_copy.json").write_text('{"elements": []}')
    return home


def fingerprint(config: DatabaseConfig) -> dict[str, Any]:
    """Every row of every table and every sequence's position, comparable across databases."""
    with owner_connection(config) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname"
            " NOT IN ('pg_catalog', 'information_schema') ORDER BY 1")]
        out: dict[str, Any] = {}
        for table in tables:
            out[table] = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text),"
                f" '')) FROM {table} t").fetchone()
        for (seq,) in conn.execute("SELECT format('%I.%I', schemaname, sequencename) "
                                   "FROM pg_sequences ORDER BY 1").fetchall():
            out[seq] = conn.execute(f"SELECT last_value, is_called FROM {seq}").fetchone()
        return out


def plaintext(archive: Path | bytes, passphrase: str = PASSPHRASE) -> bytes:
    """The tar inside a sealed archive (a file, or its bytes)."""
    sealed = archive if isinstance(archive, bytes) else archive.read_bytes()
    reader = SealedReader(io.BytesIO(sealed), passphrase)
    data = reader.read()
    reader.finish()
    return data


def seal(tar_bytes: bytes, passphrase: str = PASSPHRASE) -> bytes:
    out = io.BytesIO()
    writer = SealedWriter(out, passphrase)
    writer.write(tar_bytes)
    writer.finish()
    return out.getvalue()


def members(tar_bytes: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def rebuild(tar_bytes: bytes, *, drop: str | None = None, put: dict[str, bytes] | None = None,
            list_in_manifest: bool = True) -> bytes:
    """The tar with ``drop`` removed and ``put`` added or replaced, manifest recomputed."""
    found = members(tar_bytes)
    manifest = json.loads(found.pop("manifest.json"))
    if drop is not None:
        found.pop(drop, None)
    found.update(put or {})
    if list_in_manifest:
        manifest["files"] = [{"name": name, "size": len(data),
                              "sha256": hashlib.sha256(data).hexdigest()}
                             for name, data in found.items()]
    return write_tar({"manifest.json": json.dumps(manifest).encode(), **found})


def write_tar(content: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in content.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()
