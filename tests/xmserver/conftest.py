"""An SCEC for tests: a fresh central database and a PKI made by ``xmserver init``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from xmserver.cli import main
from xmserver.pki_store import ScecPki, load_pki

PASSPHRASE = "test SCEC passphrase"


@dataclass
class Scec:
    dsn: str
    pki_dir: Path
    pki: ScecPki

    def args(self, *args: str) -> list[str]:
        return ["--db", self.dsn, "--pki-dir", str(self.pki_dir), *args]


@pytest.fixture
def scec(fresh_db, tmp_path, monkeypatch) -> Scec:
    monkeypatch.setenv("XMSERVER_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("ECR_KEY_PASSPHRASE", "test centre passphrase")
    pki_dir = tmp_path / "scec-pki"
    assert main(["--db", fresh_db, "--pki-dir", str(pki_dir), "init", "--country", "SN",
                 "--organisation", "République du Sénégal"]) == 0
    return Scec(fresh_db, pki_dir, load_pki(pki_dir, PASSPHRASE.encode()))


@pytest.fixture
def xm(scec, capsys):
    """Run ``xmserver …`` in-process: returns (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(scec.args(*args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def ecr(capsys):
    """Run ``ecr …`` in-process: returns (exit code, stdout, stderr)."""
    from ecr_tk.cli import main as ecr_main

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = ecr_main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
