"""Copies of acts held by other centres, issued from the SCEC's answer (issue 15).

A person born in Ziguinchor asks for a copy of their birth act in Dakar: Dakar
asks the SCEC (online, or through T2D for an isolated centre), and issues the
copy from the verified answer its database stored.  The copy is billed,
numbered and audited as any copy; the PDF says which centre holds the act and
carries Dakar's signed code, which ``ecr verify`` checks.  Real centres, a real
SCEC database, the real broker, ingest worker and query responder.
"""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from ecr_tk.cli import main as ecr_main
from ecr_tk.services.errors import ActNotFound, InvalidValue, PermissionRefused
from ecr_tk.services.printing import print_issued
from ecr_tk.transmission import national
from tests.centre.conftest import PASSWORDS, SECRETARY
from tests.printdesigner.pdfread import flat, pdftotext
from xmserver.cli import main as xm_main
from xmserver.service import QueryService

from .conftest import Country, CountryCentre
from .test_national_queries import _child, responder  # noqa: F401  (the responder fixture)

ZIGUINCHOR = "Centre d'état civil de Ziguinchor"


def _held_in_ziguinchor(country: Country, workers) -> tuple[CountryCentre, CountryCentre,
                                                              list[str]]:
    workers(1)
    dakar = country.add_centre("224001", name="Mairie de Dakar-Plateau")
    ziguinchor = country.add_centre("224002", name=ZIGUINCHOR)
    nius = ziguinchor.validate(2)
    assert ziguinchor.sync(wait=60)["done"]
    country.assert_exactly_once()
    return dakar, ziguinchor, nius


def _verified(home: Path, pdf: Path, capsys) -> dict[str, str]:
    """``ecr verify`` on the PDF: genuine (every page compared), and what its code
    certifies, label -> value."""
    capsys.readouterr()
    assert ecr_main(["--home", str(home), "--json", "verify", str(pdf)]) == 0
    verdict = json.loads(capsys.readouterr().out)
    assert verdict["genuine"] and verdict["scope"] == "document"
    return {f["label"]: f["value"] for f in verdict["certified"]}


def test_a_copy_of_an_act_held_by_another_centre_is_issued_from_the_answer_and_verifies(
        country: Country, workers, responder: QueryService,  # noqa: F811
        tmp_path: Path, capsys) -> None:
    dakar, ziguinchor, nius = _held_in_ziguinchor(country, workers)
    secretary = dakar.staff.secretary
    # the act is not Dakar's: no copy before the SCEC answered
    with pytest.raises(ActNotFound) as refused:
        secretary.copies.issue_national(nius[0], "full", "Aminata Badji")
    assert refused.value.rule == "national_act_unknown"
    query_id = secretary.national.ask({"niu": nius[0]})
    assert national.ask_online(dakar.home, query_id, wait=30).outcome == "answered"

    first = secretary.copies.issue_national(nius[0], "full", "Aminata Badji")
    assert (first.held_elsewhere, first.holding_centre, first.holding_centre_name) == (
        True, "224002", ZIGUINCHOR)
    assert first.act_id is None and first.niu == nius[0] and first.copy_number == 1
    assert first.national_query == query_id and first.fee > 0

    keys = dakar.home.folder("keys")
    printed = print_issued(secretary, first, keys_dir=keys)
    assert printed.warning is None
    pdf = tmp_path / "copie.pdf"
    pdf.write_bytes(printed.pdf)
    text = flat(pdftotext(printed.pdf))
    child = _child(ziguinchor, nius[0])
    assert child["given_names"] in text and ZIGUINCHOR in text
    assert "Mairie de Dakar-Plateau" in text  # the issuing centre, in the header
    facts = _verified(dakar.home.path, pdf, capsys)
    assert facts["Centre"] == "224001 — Mairie de Dakar-Plateau"
    assert facts["Acte détenu par"] == f"224002 — {ZIGUINCHOR}"
    assert facts["NIU"] == nius[0]

    # a second copy is a duplicate, the receipt is printed, both are in the takings
    second = secretary.copies.issue_national(nius[0], "full", "Aminata Badji")
    assert second.copy_number == 2 and second.is_duplicate
    receipt = flat(pdftotext(print_issued(secretary, second, keys_dir=keys,
                                          receipt=True).pdf))
    assert second.receipt_number in receipt
    takings = dakar.staff.officer.copies.takings()
    assert [r.niu for r in takings.receipts] == [nius[0], nius[0]]
    assert takings.total == first.fee + second.fee

    # the next day, the copy already issued prints again from its own answer, as issued
    # (a new copy would need a fresh answer)
    with psycopg.connect(dakar.dsn, autocommit=True) as conn:
        conn.execute("UPDATE ecr.national_query SET answered_at = now() - interval '2 days'")
    again = flat(pdftotext(print_issued(secretary, first, keys_dir=keys).pdf))
    assert child["given_names"] in again and ZIGUINCHOR in again
    with pytest.raises(InvalidValue) as refused:
        secretary.copies.issue_national(nius[0], "full", "Aminata Badji")
    assert refused.value.rule == "national_answer_too_old"
    with pytest.raises(PermissionRefused):
        dakar.staff.agent.copies.national_act_of(first)

    # audited: who issued which act of which centre, from which answer
    with psycopg.connect(dakar.dsn) as conn:
        [(user, detail)] = conn.execute(
            "SELECT user_number, detail FROM ecr.audit_log WHERE action = 'copy.issue_national'"
            " ORDER BY seq LIMIT 1").fetchall()
    assert user == SECRETARY and detail["niu"] == nius[0]
    assert detail["holding_centre"] == "224002" and detail["query"] == str(query_id)


def test_a_national_copy_is_refused_when_the_answer_is_old_or_the_act_is_ours(
        country: Country, workers, responder: QueryService) -> None:  # noqa: F811
    dakar, _, nius = _held_in_ziguinchor(country, workers)
    own = dakar.validate(1)[0]
    assert dakar.sync(wait=60)["done"]
    secretary = dakar.staff.secretary
    for niu in (nius[1], own):
        query_id = secretary.national.ask({"niu": niu})
        assert national.ask_online(dakar.home, query_id, wait=30).outcome == "answered"
    with pytest.raises(InvalidValue) as refused:
        secretary.copies.issue_national(own, "full", "Aminata Badji")
    assert refused.value.rule == "act_held_here"
    with pytest.raises(PermissionRefused):
        dakar.staff.agent.copies.issue_national(nius[1], "full", "Aminata Badji")
    with pytest.raises(PermissionRefused):
        dakar.staff.agent.copies.national_act(nius[1])

    # the answer is two days old: the copy might miss a mention written since
    with psycopg.connect(dakar.dsn, autocommit=True) as conn:
        conn.execute("UPDATE ecr.national_query SET answered_at = now() - interval '2 days'")
    with pytest.raises(InvalidValue) as refused:
        secretary.copies.issue_national(nius[1], "extract_with_filiation", "Aminata Badji")
    assert refused.value.rule == "national_answer_too_old" and "24" in str(refused.value)
    with psycopg.connect(dakar.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM ecr.copies").fetchone() == (0,)

    # even the database owner cannot record a copy of an act no answer holds
    with psycopg.connect(dakar.dsn) as conn, pytest.raises(psycopg.Error) as forged:
        conn.execute(
            "INSERT INTO ecr.copies (national_niu, national_query, holding_centre, kind,"
            " requester, fee, currency, copy_number, receipt_year, receipt_serial, issued_by)"
            " SELECT %s, message_id, '224002', 'full', 'x', 0, 'XOF', 1, 2026, 999, 1"
            " FROM ecr.national_query LIMIT 1", ("1" * 19,))
    assert "national_act_unknown" in str(forged.value)


def test_an_isolated_centre_issues_a_copy_from_an_answer_that_came_by_removable_media(
        country: Country, workers, tmp_path: Path, capsys, monkeypatch) -> None:
    _, ziguinchor, nius = _held_in_ziguinchor(country, workers)
    village = country.add_centre("224009", name="Centre de Kédougou",
                                 **{"transmission.broker": "127.0.0.1:9"})
    home = str(village.home.path)
    monkeypatch.setenv("ECR_PASSWORD", PASSWORDS[SECRETARY])
    as_secretary = ["--as", str(SECRETARY)]
    assert ecr_main(["--home", home, "act", "show", nius[1], "--national", "--wait", "1",
                     *as_secretary]) == 1  # recorded; waits for the next exchange
    usb = tmp_path / "usb"
    assert ecr_main(["--home", home, "t2d", "export", str(usb)]) == 0
    assert xm_main(country.scec.args("t2d", "import", str(usb))) == 0
    assert xm_main(country.scec.args("t2d", "export", "--centre", "224009", str(usb))) == 0
    assert ecr_main(["--home", home, "t2d", "import", str(usb)]) == 0

    out = tmp_path / "extrait.pdf"
    capsys.readouterr()
    assert ecr_main(["--home", home, "--json", "copy", "issue", nius[1], "--national",
                     "--kind", "extract_with_filiation", "--requester", "Ousmane Diatta",
                     "--out", str(out), *as_secretary]) == 0
    issued = json.loads(capsys.readouterr().out)
    assert issued["holding_centre"] == "224002" and issued["pdf"] == str(out)
    child = _child(ziguinchor, nius[1])
    text = flat(pdftotext(out.read_bytes()))
    assert child["given_names"] in text and ZIGUINCHOR in text
    facts = _verified(village.home.path, out, capsys)
    assert facts["Acte détenu par"] == f"224002 — {ZIGUINCHOR}"
    assert facts["Centre"] == "224009 — Centre de Kédougou"

    # a copy named by a bad answer id or without --national is refused by name
    capsys.readouterr()
    assert ecr_main(["--home", home, "copy", "issue", nius[1], "--national", "--query",
                     "not-an-id", "--kind", "full", "--requester", "x", *as_secretary]) != 0
    assert "ecr national list" in capsys.readouterr().err
    assert ecr_main(["--home", home, "copy", "issue", nius[1], "--kind", "full",
                     "--requester", "x", *as_secretary]) != 0  # not an act of this centre
