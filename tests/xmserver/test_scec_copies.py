"""Copies and extracts issued at the SCEC itself (issue 15): ``xmserver copy issue``.

A real central database holding acts a centre sent; the copy is printed from
the national register, says which centre holds the act, and its code verifies
with only the country's CA certificates and revocation list, as ``ecr verify``
checks a centre's copy: every page compared.  Copies are numbered, kept, and
the read is logged; bad requests are refused with the rule named, and nothing
is kept.
"""

from __future__ import annotations

import json

import psycopg
import pytest

from common.acts.summary import summarize
from common.pki.errors import PkiError
from printdesigner.verification import verify_printed
from tests.printdesigner.pdfread import flat, pdftotext
from tests.xmserver.senders import CODE, enroll, records
from xmserver.centres import add_centre, current_revocation_list
from xmserver.ingest import ingest

TOPIC = f"t/centre/{CODE}/up"


@pytest.fixture
def stored(scec, tmp_path):
    centre = enroll(scec, tmp_path)
    acts = records(3)
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        conn.execute("UPDATE centre SET name = 'Mairie de Thiès' WHERE code = %s", (CODE,))
        assert ingest(conn, scec.pki, centre.acts(acts, 1)[1], topic=TOPIC).outcome == "stored"
    return acts


def _copies(dsn) -> list[tuple]:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT niu, kind, copy_number, requester, operator, receipt_serial"
                            " FROM scec_copy ORDER BY id").fetchall()


def test_a_copy_issued_at_the_scec_says_where_the_act_is_held_and_verifies(
        scec, xm, stored, tmp_path) -> None:
    act = stored[0]
    niu = str(act.niu)
    out = tmp_path / "copie.pdf"
    exit_code, text, err = xm("--json", "--operator", "Inspecteur Ndiaye", "copy", "issue", niu,
                              "--requester", "Ambassade du Sénégal à Paris", "--out", str(out))
    assert exit_code == 0, err
    made = json.loads(text)
    assert (made["copy_number"], made["holding_centre"]) == (1, CODE)
    assert made["receipt_number"].startswith("SCEC 000001 /")

    printed = flat(pdftotext(out.read_bytes()))
    principal = summarize(act.event_type, act.data).principal[0]
    assert principal.surname.upper() in printed.upper()
    assert "Mairie de Thiès" in printed  # the centre that holds the act

    cas = [scec.pki.issuing_certificate, scec.pki.root_certificate]
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        crl = current_revocation_list(conn, scec.pki)
    verdict = verify_printed(out, cas, crl)
    assert verdict.genuine and verdict.scope == "document", verdict.message
    assert verdict.centre_code == "000000"
    facts = dict(verdict.facts)
    assert facts["NIU"] == niu and CODE in " ".join(facts.values())

    # a second one is a duplicate, with the next receipt; both are kept, both reads logged
    again = tmp_path / "copie-2.pdf"
    assert xm("--operator", "Inspecteur Ndiaye", "copy", "issue", niu, "--requester",
              "Ambassade du Sénégal à Paris", "--out", str(again))[0] == 0
    assert "Copie n° 2" in flat(pdftotext(again.read_bytes()))
    assert _copies(scec.dsn) == [
        (niu, "full", 1, "Ambassade du Sénégal à Paris", "Inspecteur Ndiaye", 1),
        (niu, "full", 2, "Ambassade du Sénégal à Paris", "Inspecteur Ndiaye", 2)]
    exit_code, text, _ = xm("--json", "act", "history", niu)
    assert [e["action"] for e in json.loads(text)["events"]
            if e["event"] == "read_at_scec"] == ["copy.issue", "copy.issue"]


def test_a_bad_copy_request_is_refused_and_keeps_nothing(scec, xm, stored, tmp_path) -> None:
    out = tmp_path / "x.pdf"
    niu = str(stored[0].niu)
    for args, words in (
            ((niu, "--requester", "  "), "requester"),
            (("2" * 19, "--requester", "X"), "NIU"),
            ((niu[:-1] + str((int(niu[-1]) + 1) % 10), "--requester", "X"), "NIU")):
        exit_code, _, err = xm("--lang", "en", "copy", "issue", *args, "--out", str(out))
        assert exit_code != 0 and words in err and "Traceback" not in err, err
    assert not out.exists() and _copies(scec.dsn) == []
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            conn.execute("TRUNCATE scec_copy")
        # the copy-signing code is no centre's
        with pytest.raises(PkiError) as refused:
            add_centre(conn, "000000")
    assert refused.value.rule == "centre_code_reserved"
