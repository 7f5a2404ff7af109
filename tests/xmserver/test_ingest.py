"""Ingest on a real central database: stored once, receipts, conflicts, quarantine, sync.

Containers are sealed with the real wire functions by centres enrolled through
the real enrollment path (``xmserver.enrollment``); the central database is
migrated by ``xmserver init``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from common.wire import batches
from common.wire.container import SenderKey
from common.wire.mentions import mention_id
from common.wire.message import AuditMark, Kind
from common.wire.receipts import ActOutcome
from common.wire.sync import SyncRequest
from common.wire.trust import StaticDirectory
from tests.xmserver.senders import CODE, OTHER, Sender, enroll, records
from xmserver.centres import revoke_centre
from xmserver.ingest import claim_unpublished, ingest, mark_published, route_mentions


@pytest.fixture
def conn(scec):
    with psycopg.connect(scec.dsn, autocommit=True) as c:
        yield c


@pytest.fixture
def centre(scec, tmp_path) -> Sender:
    return enroll(scec, tmp_path)


def count(conn, query, *args) -> int:
    return int(conn.execute(query, args).fetchone()[0])


def test_a_batch_is_stored_once_with_a_signed_receipt(scec, conn, centre):
    acts = records(6)
    message_id, data = centre.acts(acts, 1, audit=[AuditMark(40, b"\x01" * 16)])
    result = ingest(conn, scec.pki, data, topic=f"t/centre/{CODE}/up")
    assert result.outcome == "stored" and result.stored == 6
    assert count(conn, "SELECT count(*) FROM act WHERE centre = %s", CODE) == 6
    receipt = centre.receipt(result.outgoing[0].data)
    assert receipt.acknowledged_message == message_id and receipt.acknowledged_sequence == 1
    assert [e.act_id for e in receipt.entries] == [a.niu for a in acts]
    assert {e.outcome for e in receipt.entries} == {ActOutcome.STORED}
    stored = conn.execute("SELECT record FROM act WHERE niu = %s", (acts[0].niu,)).fetchone()[0]
    assert stored["data"] == json.loads(json.dumps(acts[0].data))
    assert count(conn, "SELECT count(*) FROM audit_mark WHERE centre = %s", CODE) == 1

    again = ingest(conn, scec.pki, data)  # the same container delivered twice
    assert again.outcome == "duplicate"
    assert [o.data for o in again.outgoing] == [result.outgoing[0].data]
    assert count(conn, "SELECT count(*) FROM act") == 6
    assert count(conn, "SELECT count(*) FROM quarantine") == 0


def test_an_act_sent_again_in_a_new_container_is_already_stored(scec, conn, centre):
    acts = records(3)
    ingest(conn, scec.pki, centre.acts(acts, 1)[1])
    result = ingest(conn, scec.pki, centre.acts(acts[:2], 2)[1])
    assert [e.outcome for e in result.entries] == [ActOutcome.ALREADY_STORED] * 2
    assert count(conn, "SELECT count(*) FROM act") == 3


def test_the_same_niu_with_other_content_is_a_conflict_and_nothing_is_overwritten(
        scec, conn, centre):
    act = records(1)[0]
    ingest(conn, scec.pki, centre.acts([act], 1)[1])
    changed = dataclasses.replace(act, register_number="999/2026")
    result = ingest(conn, scec.pki, centre.acts([changed], 2)[1])
    assert result.entries[0].outcome == ActOutcome.REFUSED
    assert result.entries[0].reason == "niu_conflict"
    stored = conn.execute("SELECT record->>'register_number' FROM act").fetchone()[0]
    assert stored == act.register_number
    row = conn.execute("SELECT niu, reason, received->>'register_number' FROM conflict"
                       ).fetchone()
    assert tuple(row) == (act.niu, "niu_conflict", "999/2026")


def test_new_mentions_are_appended_and_diverging_ones_are_a_conflict(scec, conn, centre):
    act = records(1)[0]
    ingest(conn, scec.pki, centre.acts([act], 1)[1])
    first = {"kind": "death", "text": "Décédé le 2026-05-01", "date": "2026-05-01"}
    second = {"kind": "marriage", "text": "Marié le 2026-06-01", "date": "2026-06-01"}
    with_one = dataclasses.replace(act, mentions=(first,))
    assert ingest(conn, scec.pki, centre.acts([with_one], 2)[1]).entries[0].outcome == \
        ActOutcome.STORED
    assert ingest(conn, scec.pki, centre.acts([with_one], 3)[1]).entries[0].outcome == \
        ActOutcome.ALREADY_STORED
    assert ingest(conn, scec.pki, centre.acts([act], 4)[1]).entries[0].outcome == \
        ActOutcome.ALREADY_STORED  # an older copy of the act, fewer mentions: nothing lost
    diverging = dataclasses.replace(act, mentions=(second,))
    entry = ingest(conn, scec.pki, centre.acts([diverging], 5)[1]).entries[0]
    assert (entry.outcome, entry.reason) == (ActOutcome.REFUSED, "mention_conflict")
    mentions = conn.execute("SELECT record->'mentions' FROM act").fetchone()[0]
    assert mentions == [first]


def test_an_invalid_or_foreign_act_is_refused_alone(scec, conn, centre):
    good, bad, foreign = records(3)
    bad = dataclasses.replace(bad, data={**bad.data, "occurred_on": "2099-01-01"})
    other = records(1, code=OTHER)[0]
    result = ingest(conn, scec.pki, centre.acts([good, bad, other], 1)[1])
    outcomes = [(e.outcome, e.reason) for e in result.entries]
    assert outcomes == [(ActOutcome.STORED, ""), (ActOutcome.REFUSED, "invalid_act"),
                        (ActOutcome.REFUSED, "foreign_act")]
    assert count(conn, "SELECT count(*) FROM act") == 1
    del foreign  # the third act of this centre is replaced by another centre's


def test_a_reused_sequence_is_quarantined_and_stores_nothing(scec, conn, centre):
    first, second = records(2)
    ingest(conn, scec.pki, centre.acts([first], 1)[1])
    result = ingest(conn, scec.pki, centre.acts([second], 1)[1])
    assert (result.outcome, result.reason) == ("quarantined", "replay")
    assert count(conn, "SELECT count(*) FROM act") == 1
    assert count(conn, "SELECT count(*) FROM quarantine WHERE reason = 'replay'") == 1


def test_an_older_sequence_after_newer_ones_is_legitimate(scec, conn, centre):
    acts = records(3)
    for seq in (3, 5, 4):
        assert ingest(conn, scec.pki, centre.acts([acts[seq - 3]], seq)[1]).outcome == "stored"
    assert count(conn, "SELECT count(*) FROM act") == 3


@pytest.mark.parametrize("damage", ["tampered", "truncated", "garbage"])
def test_a_damaged_container_is_quarantined_with_its_bytes(scec, conn, centre, damage):
    data = bytearray(centre.acts(records(2), 1)[1])
    if damage == "tampered":
        data[len(data) // 2] ^= 0x55
    elif damage == "truncated":
        del data[len(data) - 40:]
    else:
        data = bytearray(b"\x30\x03hello")
    result = ingest(conn, scec.pki, bytes(data), topic=f"ecr/centre/{CODE}/up")
    assert result.outcome == "quarantined"
    row = conn.execute("SELECT claimed_sender, size, data FROM quarantine").fetchone()
    assert (row[0], row[1], bytes(row[2])) == (CODE, len(data), bytes(data))
    assert count(conn, "SELECT count(*) FROM act") == 0
    ingest(conn, scec.pki, bytes(data))
    assert count(conn, "SELECT times FROM quarantine") == 2


def test_a_forged_container_and_one_on_another_centres_topic_are_quarantined(
        scec, conn, centre, tmp_path):
    # forged: signed by a key the PKI never certified, naming the centre's key identifier
    forger = SenderKey(ec.generate_private_key(ec.SECP256R1()), centre.identity.key_identifier)
    forged = batches.seal_act_batch(records(1), centre=CODE, sequence=1, sender=forger,
                                    recipient=centre.to_scec())[1]
    assert ingest(conn, scec.pki, forged).reason == "bad_signature"
    other = enroll(scec, tmp_path, OTHER)
    data = other.acts(records(1, code=OTHER), 1)[1]
    result = ingest(conn, scec.pki, data, topic=f"ecr/centre/{CODE}/up")
    assert (result.outcome, result.reason) == ("quarantined", "signer_mismatch")
    revoke_centre(conn, scec.pki, OTHER, "key stolen")
    result = ingest(conn, scec.pki, other.acts(records(1, code=OTHER), 2)[1])
    assert result.reason == "revoked_signer"
    assert count(conn, "SELECT count(*) FROM act") == 0


def test_a_rewritten_history_is_flagged(scec, conn, centre):
    acts = records(2)
    ingest(conn, scec.pki, centre.acts(acts[:1], 1, audit=[AuditMark(7, b"\x01" * 16)])[1])
    ingest(conn, scec.pki, centre.acts(acts[1:], 2, audit=[AuditMark(7, b"\x02" * 16)])[1])
    row = conn.execute("SELECT audit_seq, recorded_hash, reported_hash FROM history_alert"
                       ).fetchone()
    assert (row[0], bytes(row[1]), bytes(row[2])) == (7, b"\x01" * 16, b"\x02" * 16)


def test_a_sync_request_gets_a_status_and_the_receipts_again(scec, conn, centre):
    acts = records(3)
    first_id, first = centre.acts(acts[:2], 1)
    stored = ingest(conn, scec.pki, first)
    lost_id = uuid.uuid4()
    request = SyncRequest((acts[0].niu, acts[2].niu), (first_id, lost_id))
    _, data = batches.seal_sync_request(request, centre=CODE, sender=centre.key(),
                                        recipient=centre.to_scec())
    answer = ingest(conn, scec.pki, data)
    assert answer.outcome == "answered"
    status_data, receipt_data = (o.data for o in answer.outgoing)
    directory = StaticDirectory.of([("SCEC", centre.identity.scec_signing)])
    _, status = batches.open_status(status_data, centre.own_key(), directory,
                                    own_centre=CODE)
    assert status.highest_sequence == 1
    assert [e.act_id for e in status.entries] == [acts[0].niu]
    assert status.held_messages == (first_id,)
    assert receipt_data == stored.outgoing[0].data
    assert count(conn, "SELECT count(*) FROM seen_message") == 1  # questions are not history
    again = ingest(conn, scec.pki, data)  # asked twice (a T2D folder imported twice)
    assert [o.data for o in again.outgoing] == [status_data, receipt_data]


def test_mentions_for_another_centre_are_stored_once_and_routed(scec, conn, centre, tmp_path):
    holder = enroll(scec, tmp_path, OTHER)
    target = records(1, code=OTHER)[0]
    mention = {"niu": target.niu, "kind": "death", "source_niu": records(1)[0].niu,
               "event_date": "2026-03-01", "text": "Décédé à Dakar",
               "court_decision_date": None, "court_reference": None, "origin_centre": CODE}
    _, data = batches.seal_mentions([mention], centre=CODE, sequence=1, sender=centre.key(),
                                    recipient=centre.to_scec())
    result = ingest(conn, scec.pki, data)
    assert result.entries[0].act_id == mention_id(mention)
    assert result.entries[0].outcome == ActOutcome.STORED
    _, again = batches.seal_mentions([mention], centre=CODE, sequence=2, sender=centre.key(),
                                     recipient=centre.to_scec())
    assert ingest(conn, scec.pki, again).entries[0].outcome == ActOutcome.ALREADY_STORED
    # the SCEC does not hold the target act yet: the mention waits for it
    assert route_mentions(conn, scec.pki) == []
    assert ingest(conn, scec.pki, holder.acts([target], 1)[1]).stored == 1
    routed = route_mentions(conn, scec.pki)
    assert [o.centre for o in routed] == [OTHER]
    directory = StaticDirectory.of([("SCEC", holder.identity.scec_signing)])
    opened = batches.open_mentions(routed[0].data, holder.own_key(), directory,
                                   expected=(Kind.MENTION_IN,))
    assert opened.mentions == [mention]
    assert route_mentions(conn, scec.pki) == []  # routed once


def test_the_relay_takes_what_a_killed_worker_did_not_publish(scec, conn, centre):
    result = ingest(conn, scec.pki, centre.acts(records(1), 1)[1])
    assert claim_unpublished(conn) == []  # too recent: the worker is publishing it
    taken = claim_unpublished(conn, older_than=dt.timedelta(0))
    assert [o.id for o in taken] == [result.outgoing[0].id]
    assert claim_unpublished(conn, older_than=dt.timedelta(0)) == []  # being retried
    mark_published(conn, [taken[0].id])
    assert claim_unpublished(conn, older_than=dt.timedelta(0), retry_after=dt.timedelta(0)) == []


def test_acts_of_several_years_land_in_their_partitions(scec, conn, centre):
    acts = records(40)
    years = {int(a.niu[6:10]) for a in acts}
    ingest(conn, scec.pki, centre.acts(acts, 1)[1])
    partitions = {r[0] for r in conn.execute(
        "SELECT tableoid::regclass::text FROM act").fetchall()}
    assert partitions == {f"act_y{y}" for y in years}


def test_the_administrators_commands_show_conflicts_and_quarantine(scec, conn, centre, xm,
                                                                   tmp_path):
    act = records(1)[0]
    ingest(conn, scec.pki, centre.acts([act], 1)[1])
    changed = dataclasses.replace(act, register_number="999/2026")
    ingest(conn, scec.pki, centre.acts([changed], 2)[1])
    ingest(conn, scec.pki, b"not a container", topic=f"ecr/centre/{CODE}/up")
    code, out, err = xm("--json", "conflicts", "list")
    assert code == 0, err
    [listed] = json.loads(out)
    assert (listed["niu"], listed["reason"]) == (act.niu, "niu_conflict")
    code, out, err = xm("--json", "conflicts", "show", str(listed["id"]))
    assert code == 0, err
    shown = json.loads(out)
    assert shown["stored"]["register_number"] == act.register_number
    assert shown["received"]["register_number"] == "999/2026"
    code, out, err = xm("--json", "act", "show", act.niu)
    assert code == 0 and json.loads(out)["conflicts"][0]["reason"] == "niu_conflict"
    code, out, err = xm("--json", "quarantine", "list")
    assert code == 0, err
    [q] = json.loads(out)
    assert q["claimed_sender"] == CODE and q["size"] == len(b"not a container")
    bytes_out = tmp_path / "q.ecr"
    code, out, err = xm("quarantine", "show", str(q["id"]), "--out", str(bytes_out))
    assert code == 0 and bytes_out.read_bytes() == b"not a container"
    code, out, err = xm("--json", "quarantine", "purge", "--id", str(q["id"]))
    assert code == 0 and json.loads(out) == {"purged": 1}
    code, out, err = xm("act", "show", "1234")
    assert code == 1 and "NIU" in err and "Traceback" not in err
