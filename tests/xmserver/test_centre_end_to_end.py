"""A centre from ``ecr init`` to a printed copy that anyone can check offline.

Issues 2, 4 and 5 meet here: the key ``ecr init`` makes is enrolled with the
SCEC on removable media, the officer validates an act, the secretary issues a
copy whose QR code the centre signs, and ``ecr verify`` with only the country's
CA certificate (exported by ``xmserver pki export``) says it is genuine.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.acts import examples
from tests.conftest import new_database

CODE = "341005"
PASSWORDS = {1: "officer-pass-1", 2: "secretary-pass-1", 3: "agent-pass-01"}


@pytest.fixture
def centre_db(admin_dsn: str) -> Iterator[str]:
    """The centre's own database (the SCEC fixture has the other one)."""
    with new_database(admin_dsn) as dsn:
        yield dsn


def test_a_copy_printed_by_an_enrolled_centre_verifies_with_the_country_ca_only(
        scec, xm, ecr, centre_db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = str(tmp_path / "centre")

    def as_user(number: int, *args: str, new_password: str | None = None) -> dict:
        monkeypatch.setenv("ECR_PASSWORD", PASSWORDS[number])
        if new_password:
            monkeypatch.setenv("ECR_NEW_PASSWORD", new_password)
        code, out, err = ecr("--home", home, "--json", *args, "--as", str(number))
        assert code == 0, err
        return json.loads(out)

    monkeypatch.setenv("ECR_PASSWORD", PASSWORDS[1])
    code, _, err = ecr("--home", home, "init", "--centre", CODE, "--name", "Centre de Kaolack",
                       "--officer", "1", "--officer-name", "Awa Diop", "--db", centre_db)
    assert code == 0, err
    assert (Path(home) / "keys" / "centre.csr.pem").exists(), "ecr init makes the centre's key"
    as_user(1, "user", "add", "2", "--name", "Moussa Fall", "--role", "secretary",
            new_password=PASSWORDS[2])
    as_user(1, "user", "add", "3", "--name", "Fatou Sarr", "--role", "agent",
            new_password=PASSWORDS[3])

    # enrollment on removable media, with the one-time token the SCEC issued
    code, out, err = xm("--json", "centre", "add", CODE, "--name", "Kaolack")
    assert code == 0, err
    token = json.loads(out)["token"]
    usb = tmp_path / "usb"
    usb.mkdir()
    code, _, err = ecr("--home", home, "enroll", "--token", token, "--request-out",
                       str(usb / "req"))
    assert code == 0, err
    code, _, err = xm("centre", "enroll-offline", str(usb / "req"), "--out", str(usb / "resp"))
    assert code == 0, err
    code, _, err = ecr("--home", home, "enroll", "--response-in", str(usb / "resp"))
    assert code == 0, err

    act = tmp_path / "birth.json"
    act.write_text(json.dumps(examples.BIRTH), "utf-8")
    drafted = as_user(3, "act", "draft", "--type", "birth", str(act))
    niu = as_user(2, "act", "verify", f"id:{drafted['id']}")["niu"]
    as_user(1, "act", "validate", niu)

    pdf = tmp_path / "copie.pdf"
    monkeypatch.setenv("ECR_PASSWORD", PASSWORDS[2])
    code, out, err = ecr("--home", home, "--json", "copy", "issue", niu, "--kind", "full",
                         "--requester", "Ousmane Ndiaye", "--out", str(pdf), "--as", "2")
    assert code == 0, err
    assert err == "", "an enrolled centre's copy carries its verification code"

    export = tmp_path / "public"
    code, _, err = xm("pki", "export", str(export))
    assert code == 0, err
    code, out, err = ecr("--json", "verify", str(pdf), "--ca", str(export / "ca.pem"))
    assert code == 0, err
    verdict = json.loads(out)
    assert verdict["genuine"] is True
    assert examples.BIRTH["child"]["given_names"] in json.dumps(verdict, ensure_ascii=False)
