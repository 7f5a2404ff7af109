"""T2D both ways for a centre without a link: ``ecr t2d export`` / ``ecr t2d import``.

The SCEC's side of the folder (``xmserver t2d import|export``, on another branch)
is played by the SCEC stand-in (``scec_standin``), built from the real wire
functions (the real SCEC's T2D is tested in tests/faults/test_end_to_end.py).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import psycopg
import pytest

from common.transport import t2d as folder
from ecr_tk.cli import main
from tests.centre.conftest import Staff, validated_birth

from .conftest import Enrolled
from .scec_standin import ScecStandIn


def _scec_round(scec: ScecStandIn, stick: Path, code: str) -> int:
    """What the SCEC does with the stick: read the containers, write its answers back."""
    contents = folder.read_folder(stick, folder.TO_SCEC, code)
    answers = [a for f in contents.files for a in scec.answer(f.data)]
    folder.write_folder(stick, folder.TO_CENTRE, code, [
        (folder.file_name(i, uuid.uuid4()), a) for i, a in enumerate(answers, 1)])
    return len(answers)


def _ecr(capsys: pytest.CaptureFixture[str], home: Path, *argv: str) -> tuple[int, dict]:
    code = main(["--home", str(home), "--json", *argv])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def _states(dsn: str) -> list[str]:
    with psycopg.connect(dsn) as conn:
        return [r[0] for r in conn.execute("SELECT state FROM ecr.outbox ORDER BY id")]


def test_an_isolated_centre_is_centralised_by_t2d_both_ways_and_a_second_import_changes_nothing(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    scec.stop()  # no broker for this centre: only the stick
    home = enrolled.centre.home.path  # type: ignore[union-attr]
    nius = [validated_birth(staff, given=n)[1] for n in ("Awa", "Fatou", "Khady")]
    stick = tmp_path / "usb"
    code, report = _ecr(capsys, home, "t2d", "export", str(stick))
    assert code == 0 and report["containers"] == 1
    # a centre made by ``ecr init`` has used no number: nothing to ask first
    assert report["sync_request"] is False
    assert _states(fresh_db) == ["sent"] * 3
    with psycopg.connect(fresh_db) as conn:
        assert {r[0] for r in conn.execute("SELECT status FROM ecr.acts")} == {"transmitted"}
    assert _scec_round(scec, stick, enrolled.centre.identity.code) == 1  # its receipt
    code, report = _ecr(capsys, home, "t2d", "import", str(stick))
    assert code == 0, report
    assert report["receipts"] == 1 and report["statuses"] == 0
    assert _states(fresh_db) == ["acknowledged"] * 3
    assert all(scec.stored[n] == 1 for n in nius)
    code, again = _ecr(capsys, home, "t2d", "import", str(stick))
    assert code == 0 and again["already_applied"] == 1 and again["entries_changed"] == 0
    code, status = _ecr(capsys, home, "transmission", "status")
    assert status["acknowledged"] == 3 and status["pending"] == 0 and not status["needs_sync"]


def test_a_damaged_answer_file_is_refused_by_name_and_the_others_are_applied(
        enrolled: Enrolled, staff: Staff, scec: ScecStandIn, fresh_db: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    home = enrolled.centre.home.path  # type: ignore[union-attr]
    validated_birth(staff)
    stick = tmp_path / "usb"
    assert _ecr(capsys, home, "t2d", "export", str(stick))[0] == 0
    _scec_round(scec, stick, enrolled.centre.identity.code)
    answers = folder.folder_of(stick, folder.TO_CENTRE, enrolled.centre.identity.code)
    (receipt,) = answers.glob("*.ecr")
    receipt.write_bytes(receipt.read_bytes()[:-10])  # half-copied
    code, report = _ecr(capsys, home, "t2d", "import", str(stick))
    assert code == 1
    assert [name for name, _ in report["refused_files"]] == [receipt.name]
    assert report["receipts"] == 0 and _states(fresh_db) == ["sent"]


def test_a_folder_for_another_centre_is_refused_naming_both(
        enrolled: Enrolled, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = enrolled.centre.home.path  # type: ignore[union-attr]
    stick = tmp_path / "usb"
    folder.write_folder(stick, folder.TO_CENTRE, "999001", [])
    code = main(["--home", str(home), "--lang", "en", "t2d", "import", str(stick)])
    err = capsys.readouterr().err
    assert code == 1 and "999001" in err and enrolled.centre.identity.code in err


def test_routed_mentions_and_a_revocation_list_from_the_scec_are_applied_once(
        enrolled: Enrolled, staff: Staff, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    from common.pki.authority import build_revocation_list
    from common.pki.identifiers import certificate_key_identifier
    from common.wire import batches
    from common.wire.container import RecipientCertificate, SenderKey

    home = enrolled.centre.home.path  # type: ignore[union-attr]
    code = enrolled.centre.identity.code
    _, niu = validated_birth(staff)
    ca = enrolled.ca
    scec_key = SenderKey(ca.signing_key, certificate_key_identifier(ca.signing_certificate))
    centre = RecipientCertificate.of(enrolled.certificate)
    mention = {"niu": niu, "kind": "death", "source_niu": "3300072026000000042",
               "event_date": "2026-11-30", "text": None, "court_decision_date": None,
               "court_reference": None, "origin_centre": "330007"}
    _, routed = batches.seal_mentions([mention], centre=code, sequence=1, sender=scec_key,
                                      recipient=centre, kind=batches.Kind.MENTION_IN)
    from cryptography.hazmat.primitives import serialization

    crl = build_revocation_list(ca.issuing_key, ca.issuing_certificate, [], 2).public_bytes(
        serialization.Encoding.DER)
    _, revocations = batches.seal_revocation_list(crl, centre=code, sequence=2, sender=scec_key,
                                                  recipient=centre)
    stick = tmp_path / "usb"
    folder.write_folder(stick, folder.TO_CENTRE, code, [
        (folder.file_name(1, uuid.uuid4()), routed), (folder.file_name(2, uuid.uuid4()),
                                                      revocations)])
    code_, report = _ecr(capsys, home, "t2d", "import", str(stick))
    assert code_ == 0 and report["others"] == 2, report
    shown = staff.officer.acts.show(niu)
    assert [(m.kind, m.source_niu) for m in shown.mentions] == [("death", "3300072026000000042")]
    assert (home / "keys" / "revocations.crl").read_bytes() == crl
    code_, again = _ecr(capsys, home, "t2d", "import", str(stick))
    assert code_ == 0 and again["already_applied"] == 2
    assert len(staff.officer.acts.show(niu).mentions) == 1
