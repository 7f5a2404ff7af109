"""A copy issued by the centre services, printed to PDF, then verified: the whole path."""

from __future__ import annotations

import copy
from pathlib import Path

import psycopg
from cryptography import x509

from common.acts import examples
from ecr_tk.services import Centre
from printdesigner.documents import issued_copy_pdf, load_signer, write_pdf
from printdesigner.verification import verify_printed
from tests.printdesigner.conftest import Centre as SigningCentre
from tests.printdesigner.pdfread import flat, pdftotext, pypdf_text
from tests.printdesigner.test_store import (  # noqa: F401  (fixtures)
    AGENT,
    OFFICER,
    PASSWORDS,
    SECRETARY,
    app_conn,
    centre,
)


def _validated_birth(centre: Centre) -> str:  # noqa: F811
    agent = centre.login(AGENT, PASSWORDS[AGENT])
    secretary = centre.login(SECRETARY, PASSWORDS[SECRETARY])
    officer = centre.login(OFFICER, PASSWORDS[OFFICER])
    data = copy.deepcopy(examples.BIRTH)
    data["child"]["given_names"] = "Ndèye Fatou"
    drafted = agent.acts.draft("birth", data, confirm_duplicates=True)
    niu = secretary.acts.verify(drafted.id)
    officer.acts.validate(drafted.id)
    return str(niu)


def test_an_issued_copy_prints_signed_and_verifies_and_the_second_is_a_duplicate(
        centre: Centre, app_conn: psycopg.Connection, tmp_path: Path,  # noqa: F811
        centre_signer: SigningCentre, ca_certs: list[x509.Certificate]) -> None:
    niu = _validated_birth(centre)
    secretary = centre.login(SECRETARY, PASSWORDS[SECRETARY])
    first = secretary.copies.issue(niu, "extract_with_filiation", "Awa Sow")
    out = tmp_path / "copie.pdf"
    write_pdf(out, issued_copy_pdf(secretary, first, signer=centre_signer))
    text = flat(pdftotext(out.read_bytes()))
    assert "Ndèye Fatou" in text and "Sow" in text.title()
    assert first.receipt_number not in text  # an extract, not the receipt
    assert verify_printed(out, ca_certs).genuine
    second = secretary.copies.issue(niu, "extract_with_filiation", "Awa Sow")
    duplicate = issued_copy_pdf(secretary, second, signer=centre_signer)
    assert second.copy_number == 2
    assert "DUPLICATA" in pypdf_text(duplicate)
    receipt = flat(pdftotext(issued_copy_pdf(secretary, second, signer=centre_signer,
                                             receipt=True)))
    assert second.receipt_number in receipt and "Extrait avec filiation" in receipt
    assert f"{second.fee:.0f} {second.currency}" in receipt.replace("\u202f", "")
    assert "n° n°" not in receipt


def test_the_centres_own_template_is_used_when_it_has_one(
        centre: Centre, app_conn: psycopg.Connection, tmp_path: Path) -> None:  # noqa: F811
    import dataclasses

    from printdesigner.defaults import default_template
    from printdesigner.model import Page, StaticText

    niu = _validated_birth(centre)
    officer = centre.login(OFFICER, PASSWORDS[OFFICER])
    # as the centre GUI wires it: a connection from the session's pool for each call
    store = officer.templates()
    base = default_template("birth", "full")
    mark = StaticText("national-mark", 150, 280, 50, 5, text="MODÈLE NATIONAL 2027")
    pages = (Page((*base.pages[0].elements, mark)), *base.pages[1:])
    store.save(dataclasses.replace(base, pages=pages), None)
    issued = officer.copies.issue(niu, "full", "Awa Sow")
    pdf = issued_copy_pdf(officer, issued, template=store.find("birth", "full"))
    assert "MODÈLE NATIONAL 2027" in pdftotext(pdf)


def test_a_centre_not_enrolled_prints_without_a_code_and_says_why(tmp_path: Path) -> None:
    signer, why = load_signer(tmp_path / "keys")
    assert signer is None and why
