"""Reinstating a revoked centre (issue 15): ``xmserver centre reinstate`` at the SCEC.

The SCEC's side on a real central database: the refusals (a centre that is not
revoked, an unknown code, no reason), the token (0600), the new key, the
quarantined containers of the revoked certificate kept and marked superseded
by the same numbers re-sealed under the new key, and the old key still refused.
The whole exchange with real centres and the broker is in
``tests/faults/test_reinstatement.py``.
"""

from __future__ import annotations

import csv
import json
import stat

import psycopg
import pytest
from cryptography import x509

from common.pki import centre as centre_pki
from common.pki.enrollment import EnrollmentRequest
from common.transport import t2d
from common.wire import batches
from common.wire.container import open_container, seal_message
from common.wire.errors import ContainerRefused
from common.wire.trust import StaticDirectory
from tests.xmserver.senders import CODE, OTHER, Sender, enroll, records
from xmserver.centres import reinstate_centre, revoke_centre
from xmserver.enrollment import handle_enrollment
from xmserver.ingest import ingest

TOPIC = f"t/centre/{CODE}/up"


@pytest.fixture
def conn(scec):
    with psycopg.connect(scec.dsn, autocommit=True) as c:
        yield c


def _quarantine(conn) -> dict[int, dict]:
    """sequence → the quarantined container of the revoked signer that carried it."""
    rows = conn.execute(
        "SELECT sequence, reason, times, superseded_by, superseded_same_content,"
        " reinstatement_id, sender, message_id FROM quarantine WHERE sender IS NOT NULL"
        " ORDER BY id").fetchall()
    keys = ("sequence", "reason", "times", "superseded_by", "same", "reinstatement", "sender",
            "message_id")
    return {int(r[0]): dict(zip(keys, r, strict=True)) for r in rows}


@pytest.mark.parametrize(("code", "rule"), [
    (OTHER, "centre_not_revoked"),   # enrolled, in good standing
    ("999999", "centre_unknown"),
    ("12", "centre_code_invalid"),
])
def test_only_a_revoked_centre_can_be_reinstated(scec, xm, tmp_path, code, rule) -> None:
    enroll(scec, tmp_path, OTHER)
    exit_code, out, err = xm("centre", "reinstate", code, "--reason", "enquête close")
    assert exit_code == 1 and out == ""
    assert f"({rule})" in err and "Traceback" not in err
    with psycopg.connect(scec.dsn) as c:
        assert c.execute("SELECT count(*) FROM centre_reinstatement").fetchone() == (0,)


def test_a_reinstatement_says_why_and_names_the_rule_in_french(scec, xm, tmp_path) -> None:
    enroll(scec, tmp_path)
    assert xm("centre", "revoke", CODE, "--reason", "ordinateur volé")[0] == 0
    exit_code, _, err = xm("--lang", "fr", "centre", "reinstate", CODE)
    assert exit_code == 1 and "(reason_required)" in err and "Traceback" not in err
    assert "réintégr" in err.lower()
    exit_code, _, err = xm("--lang", "fr", "centre", "reinstate", OTHER, "--reason", "x")
    assert exit_code == 1 and "(centre_unknown)" in err
    with psycopg.connect(scec.dsn) as c:
        assert c.execute("SELECT status FROM centre WHERE code = %s", (CODE,)).fetchone() \
            == ("revoked",)


def test_a_reinstated_centre_enrolls_with_a_new_key_and_its_numbers_supersede_the_quarantine(
        scec, xm, conn, tmp_path) -> None:
    centre = enroll(scec, tmp_path)
    keys = tmp_path / f"keys-{CODE}"
    old = Sender(centre.identity)
    acts = records(12)  # sorted by NIU: slices of one list never share an act
    assert ingest(conn, scec.pki, old.acts(acts[0:2], 1)[1], topic=TOPIC).outcome == "stored"
    revoke_centre(conn, scec.pki, CODE, "ordinateur volé")

    # sealed and sent while revoked: quarantined, the numbers they carry are kept
    messages = {seq: batches.act_batch_message(batch, centre=CODE, sequence=seq)
                for seq, batch in ((2, acts[2:4]), (3, acts[4:6]))}
    for _, message in messages.values():
        data = seal_message(message, old.key(), old.to_scec())
        assert ingest(conn, scec.pki, data, topic=TOPIC).outcome == "quarantined"
    held = _quarantine(conn)
    assert sorted(held) == [2, 3]
    assert {h["reason"] for h in held.values()} == {"revoked_signer"}
    assert {str(h["message_id"]) for h in held.values()} == {str(m) for m, _ in
                                                              messages.values()}

    tokens = tmp_path / "reinstate.csv"
    exit_code, out, err = xm("--json", "centre", "reinstate", CODE, "--reason",
                             "enquête close: le portable volé a été retrouvé, clé détruite",
                             "--by", "Inspecteur Ndiaye", "--token-out", str(tokens))
    assert exit_code == 0, err
    answer = json.loads(out)
    assert "token" not in answer and answer["by"] == "Inspecteur Ndiaye"
    assert stat.S_IMODE(tokens.stat().st_mode) == 0o600
    [row] = list(csv.DictReader(tokens.open()))
    assert row["code"] == CODE
    assert xm("centre", "reinstate", CODE, "--reason", "again")[2].count("centre_not_revoked")

    # the revoked key is not certified again, and the refusal does not use the token
    old_csr = centre_pki.load_request(keys).der
    refused = handle_enrollment(conn, scec.pki, EnrollmentRequest(
        "enroll", CODE, old_csr, token=row["token"]).to_bytes())
    assert (refused.status, refused.reason) == ("refused", "key_revoked")
    response = handle_enrollment(conn, scec.pki,
                                 centre_pki.enrollment_request(keys, row["token"]).to_bytes())
    assert response.status == "issued", response.message
    centre_pki.install_response(keys, response)
    new = Sender(centre_pki.load_centre_identity(keys))
    assert new.identity.centre_code == CODE
    assert new.identity.key_identifier != old.identity.key_identifier
    serial = x509.load_der_x509_certificate(response.certificate_der).serial_number

    # the same message under the new key: stored once, the quarantined one superseded
    mid2, message2 = messages[2]
    result = ingest(conn, scec.pki, seal_message(message2, new.key(), new.to_scec()),
                    topic=TOPIC)
    assert (result.outcome, result.stored, result.sequence) == ("stored", 2, 2)
    assert new.receipt(result.outgoing[0].data).acknowledged_message == mid2
    again = ingest(conn, scec.pki, seal_message(message2, new.key(), new.to_scec()),
                   topic=TOPIC)
    assert again.outcome == "duplicate"
    # number 3 comes back with other acts than the revoked key sent: stored, but flagged
    mid3, _ = messages[3]
    _, other3 = batches.act_batch_message(acts[6:8], centre=CODE, sequence=3,
                                          message_id=mid3)
    assert ingest(conn, scec.pki, seal_message(other3, new.key(), new.to_scec()),
                  topic=TOPIC).outcome == "stored"
    held = _quarantine(conn)
    assert str(held[2]["superseded_by"]) == str(mid2) and held[2]["same"] is True
    assert str(held[3]["superseded_by"]) == str(mid3) and held[3]["same"] is False
    assert held[2]["reinstatement"] == answer["reinstatement"]

    # the old key after the reinstatement: still quarantined, never superseded
    late = old.acts(acts[8:10], 4)[1]
    assert ingest(conn, scec.pki, late, topic=TOPIC).outcome == "quarantined"
    assert conn.execute("SELECT count(*) FROM seen_message WHERE sender = %s AND sequence = 4",
                        (CODE,)).fetchone() == (0,)
    held = _quarantine(conn)
    assert held[4]["reason"] == "revoked_signer" and held[4]["superseded_by"] is None
    assert conn.execute("SELECT count(*) FROM act WHERE centre = %s", (CODE,)).fetchone() \
        == (6,)

    exit_code, out, _ = xm("--lang", "en", "quarantine", "list", "--superseded")
    assert exit_code == 0 and out.count("superseded by") == 2 and "OTHER CONTENT" in out
    exit_code, out, _ = xm("--json", "quarantine", "list", "--no-superseded")
    assert [r["sequence"] for r in json.loads(out)] == [4]
    exit_code, out, _ = xm("--json", "centre", "show", CODE)
    shown = json.loads(out)
    assert shown["status"] == "active" and shown["revoked_at"] is None
    [reinstatement] = shown["reinstatements"]
    assert reinstatement["reinstated_by"] == "Inspecteur Ndiaye"
    assert reinstatement["revocation_reason"] == "ordinateur volé"
    assert reinstatement["certificate_serial"] == format(serial, "x")
    assert reinstatement["superseded_containers"] == 2
    assert [c["revoked_at"] is not None for c in shown["certificates"]] == [True, False]
    exit_code, out, _ = xm("--lang", "en", "centre", "show", CODE)
    assert "Inspecteur Ndiaye" in out and "2 quarantined containers superseded" in out


def _opens(sender: Sender, data: bytes) -> bool:
    directory = StaticDirectory.of([("SCEC", sender.identity.scec_signing)])
    try:
        open_container(data, sender.own_key(), directory, own_centre=sender.code)
    except ContainerRefused:
        return False
    return True


def test_what_the_scec_sealed_for_the_revoked_key_comes_again_under_the_new_one(
        scec, xm, conn, tmp_path) -> None:
    """A receipt the centre never got (revoked meanwhile) reaches it under its new key.

    Container 1 is stored and receipted, then the centre is revoked before the
    receipt arrives; reinstated, it enrolls with a new key and holds no other.
    What the SCEC queued for it is sealed again from the kept message (same
    sequence and message id) and published again, the re-sent container 1 is
    answered with it, and a T2D export carries only what the new key opens.
    """
    centre = enroll(scec, tmp_path)
    keys = tmp_path / f"keys-{CODE}"
    acts = records(4)
    mid1, message1 = batches.act_batch_message(acts[0:2], centre=CODE, sequence=1)
    stored = ingest(conn, scec.pki, seal_message(message1, centre.key(), centre.to_scec()),
                    topic=TOPIC)
    assert stored.outcome == "stored" and _opens(centre, stored.outgoing[0].data)
    assert ingest(conn, scec.pki, centre.acts(acts[2:4], 2)[1], topic=TOPIC).outcome == "stored"
    # the receipt of container 2 was queued before the SCEC kept its messages
    conn.execute("UPDATE outgoing SET message = NULL, recipient_key_id = NULL"
                 " WHERE centre = %s AND in_reply_to <> %s", (CODE, mid1))
    before = {str(m): (int(s), bytes(d)) for m, s, d in conn.execute(
        "SELECT message_id, sequence, data FROM outgoing WHERE centre = %s", (CODE,))}
    conn.execute("UPDATE outgoing SET published_at = now() WHERE centre = %s", (CODE,))
    revoke_centre(conn, scec.pki, CODE, "ordinateur volé")
    token, _ = reinstate_centre(conn, CODE, "enquête close", "Inspecteur Ndiaye")
    response = handle_enrollment(conn, scec.pki,
                                 centre_pki.enrollment_request(keys, token).to_bytes())
    assert response.status == "issued", response.message
    centre_pki.install_response(keys, response)
    new = Sender(centre_pki.load_centre_identity(keys))
    assert not _opens(new, stored.outgoing[0].data)  # the new key cannot open the old bytes

    rows = {str(m): (int(s), bytes(d), r, p) for m, s, d, r, p in conn.execute(
        "SELECT message_id, sequence, data, resealed_at, published_at FROM outgoing"
        " WHERE centre = %s", (CODE,))}
    assert set(rows) == set(before)  # nothing new queued, nothing renumbered
    [receipt1] = [m for m, (_, d, _, _) in rows.items() if _opens(new, d)]
    sequence, data, resealed_at, published_at = rows[receipt1]
    assert sequence == before[receipt1][0] and data != before[receipt1][1]
    assert new.receipt(data).acknowledged_message == mid1
    assert resealed_at is not None and published_at is None  # for the relay to publish again

    # container 1 sent again under the new key: a duplicate, answered with that receipt
    again = ingest(conn, scec.pki, seal_message(message1, new.key(), new.to_scec()),
                   topic=TOPIC)
    assert again.outcome == "duplicate"
    assert [new.receipt(o.data).acknowledged_message for o in again.outgoing] == [mid1]

    usb = tmp_path / "usb"
    exit_code, out, err = xm("--lang", "en", "t2d", "export", "--centre", CODE, str(usb))
    assert exit_code == 0, err
    assert "1 older containers left out" in out
    files = t2d.read_folder(usb, t2d.TO_CENTRE, CODE).files
    kinds = sorted(open_container(f.data, new.own_key(), StaticDirectory.of(
        [("SCEC", new.identity.scec_signing)]), own_centre=CODE).header.kind.name for f in files)
    assert kinds == ["RECEIPT", "REVOCATION_LIST"]  # receipt 2 left out: sealed for the old key


def test_a_revoked_signers_container_is_evidence_that_no_purge_deletes(
        scec, xm, conn, tmp_path) -> None:
    centre = enroll(scec, tmp_path)
    revoke_centre(conn, scec.pki, CODE, "clé copiée")
    assert ingest(conn, scec.pki, centre.acts(records(2), 1)[1], topic=TOPIC).outcome \
        == "quarantined"
    assert ingest(conn, scec.pki, b"not a container", topic=TOPIC).outcome == "quarantined"
    [evidence] = _quarantine(conn).values()
    conn.execute("UPDATE quarantine SET last_seen_at = now() - interval '1 year'")

    exit_code, out, err = xm("--json", "quarantine", "purge", "--older-than", "30")
    assert exit_code == 0, err
    assert json.loads(out) == {"purged": 1}  # the damaged bytes, not the evidence
    [(kept,)] = conn.execute("SELECT id FROM quarantine").fetchall()
    exit_code, out, err = xm("--lang", "en", "quarantine", "purge", "--id", str(kept))
    assert exit_code != 0 and "kept as evidence" in err and CODE in err
    assert "Traceback" not in err
    with pytest.raises(psycopg.errors.RaiseException, match="never deleted"):
        conn.execute("DELETE FROM quarantine")
    assert conn.execute("SELECT sender, sequence FROM quarantine").fetchall() == [
        (evidence["sender"], 1)]
