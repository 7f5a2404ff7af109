"""The verification QR code: a genuine copy verifies; an altered or badly signed one does not.

What the verdict rests on is tested too: only a PDF compared page by page is
"genuine"; a scan or the decoded text proves the code, and lists its values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from pathlib import Path

import pytest
from cryptography import x509

from common.acts.examples import EXAMPLES, REGISTERED_ON
from common.acts.niu import make_niu
from common.pki.authority import CountryAuthority, create_country_authority
from printdesigner.certified import CertifiedCopy, Header
from printdesigner.documents import CentreInfo, SampleAct, render_copy
from printdesigner.errors import VerificationError
from printdesigner.qr import (
    PREFIX,
    PREFIX_V1,
    CopySeal,
    b45decode,
    b45encode,
    qr_side_needed_mm,
    sign_code,
    verify_code,
)
from printdesigner.verification import read_qr_from_pdf, verify_printed
from tests.printdesigner.conftest import Centre, make_centre, revoke
from tests.printdesigner.pdfread import page_count

CENTRE = CentreInfo("010203", "Thiès Nord", "Région de Thiès", "Thiès", "République du Sénégal")


def issued_now() -> dt.datetime:
    """A copy issued a minute ago, at test time: a time taken at import (collection)
    would precede certificates made later in a long run, which then are "not yet valid"."""
    return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)


def birth_act(**changes: object) -> SampleAct:
    act = SampleAct("birth", EXAMPLES["birth"], niu=make_niu("010203", 2026, 42).value,
                    register_number="123/2026", registered_on=REGISTERED_ON["birth"])
    return dataclasses.replace(act, **changes)  # type: ignore[arg-type]


def issue(tmp_path: Path, signer: Centre, act: SampleAct | None = None, *,
          name: str = "copy.pdf", kind: str = "full") -> Path:
    pdf = render_copy(act or birth_act(), kind, signer=signer, centre=CENTRE,
                      issued_at=issued_now(), officer="Mamadou DIALLO")
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def facts(result: object) -> dict[str, str]:
    return dict(result.facts)  # type: ignore[attr-defined]


def test_base45_round_trips_every_byte_value() -> None:
    data = bytes(range(256)) + b"\x00"
    assert b45decode(b45encode(data)) == data
    assert b45encode(b"AB") == "BB8"  # RFC 9285 example
    with pytest.raises(ValueError):
        b45decode("GGW")  # 65535 + 1


def test_a_genuine_copy_verifies_from_its_pdf_page_by_page(
        tmp_path: Path, centre: Centre, ca_certs: list[x509.Certificate]) -> None:
    result = verify_printed(issue(tmp_path, centre), ca_certs)
    assert result.genuine, result.message
    assert result.scope == "document" and result.reason is None
    assert "every page" in result.message or "chaque page" in result.message
    assert result.centre_code == "010203" and result.version == 2
    assert result.certified is not None and result.certified.niu == str(birth_act().niu)
    assert result.certified.names == ("Ndiaye", "Awa Ndèye")
    assert result.certified.kind == "full" and result.certified.copy_number == 1
    shown = facts(result)
    assert shown["Enfant › Prénoms"] == "Awa Ndèye" and shown["Mère › Nom"] == "SOW"
    assert shown["Père › Prénoms"] == "Ousmane"


def test_a_scan_or_the_decoded_text_proves_the_code_only_and_lists_what_it_certifies(
        tmp_path: Path, centre: Centre, ca_certs: list[x509.Certificate]) -> None:
    pdf = issue(tmp_path, centre)
    last = str(page_count(pdf.read_bytes()))  # the code is on the last page
    subprocess.run(["pdftoppm", "-r", "200", "-f", last, "-l", last, "-png", "-singlefile",
                    str(pdf), str(tmp_path / "scan")], check=True)
    text = read_qr_from_pdf(pdf.read_bytes())
    assert text.startswith(PREFIX)
    for result in (verify_printed(tmp_path / "scan.png", ca_certs),
                   verify_printed(text, ca_certs)):
        assert not result.genuine and result.code_genuine
        assert result.scope == "values" and result.reason == "not_compared"
        assert "papier" in result.message and "comparez" in result.message.lower()
        shown = facts(result)  # every printed value, for a person to compare
        assert shown["Enfant › Sexe"] == "Féminin"
        assert shown["Mère › Prénoms"] == "Mariama"
        assert shown["Lieu de l'événement › Localité"] == "Hôpital régional de Thiès"


def test_the_qr_code_stays_small_enough_to_scan_from_paper(tmp_path: Path,
                                                           centre: Centre) -> None:
    text = read_qr_from_pdf(issue(tmp_path, centre).read_bytes())
    assert len(text) <= 760, len(text)  # measured 629 for this full copy
    assert qr_side_needed_mm(text) <= 34  # the default documents' QR code


def test_an_extract_without_filiation_does_not_carry_the_parents(
        tmp_path: Path, centre: Centre, ca_certs: list[x509.Certificate]) -> None:
    text = read_qr_from_pdf(issue(tmp_path, centre, kind="extract").read_bytes())
    result = verify_code(text, ca_certs)
    assert result.certified is not None
    data = result.certified.act.data
    assert "mother" not in data and "father" not in data and "declarant" not in data
    assert data["child"]["given_names"] == "Awa Ndèye"
    assert not any("Mère" in label or "Père" in label for label, _ in result.facts)


def test_a_code_whose_bytes_were_changed_does_not_verify(tmp_path: Path, centre: Centre,
                                                         ca_certs: list[x509.Certificate]) -> None:
    code = read_qr_from_pdf(issue(tmp_path, centre).read_bytes())
    raw = bytearray(b45decode(code[len(PREFIX):]))
    _, end = Header.read(bytes(raw))
    raw[end - 20] ^= 0x01  # a bit of the compressed values
    result = verify_printed(PREFIX + b45encode(bytes(raw)), ca_certs)
    assert not result.genuine and not result.code_genuine
    assert result.reason == "signature_invalid" and result.scope is None
    assert verify_printed(code[:-6], ca_certs).reason == "not_a_seal"
    assert verify_printed(PREFIX + "hello", ca_certs).reason == "not_a_seal"
    assert verify_printed(PREFIX_V1 + code[len(PREFIX):], ca_certs).reason == "not_a_seal"


def test_an_earlier_ecr1_code_is_read_but_never_called_genuine(
        tmp_path: Path, centre: Centre, ca_certs: list[x509.Certificate]) -> None:
    seal = CopySeal(str(birth_act().niu), "full", 1, issued_now().replace(second=0,
                    microsecond=0), "123/2026", dt.date(2025, 12, 28), ("Ndiaye", "Awa Ndèye"),
                    bytes(16))
    text = sign_code(seal.to_bytes(), centre, PREFIX_V1)
    result = verify_printed(text, ca_certs)
    assert not result.genuine and result.code_genuine
    assert result.scope == "values" and result.reason == "earlier_code" and result.version == 1
    assert "ECR1" in result.message
    assert facts(result)["Noms"] == "Ndiaye / Awa Ndèye"
    # on a PDF too: the paper cannot be compared with what such a code never covered
    from printdesigner.binding import PrintContext
    from printdesigner.defaults import default_template
    from printdesigner.documents import print_context
    from printdesigner.render import render

    ctx = print_context(birth_act(), "full", centre=CENTRE, issued_at=issued_now())
    pdf = tmp_path / "ecr1.pdf"
    pdf.write_bytes(render(default_template("birth", "full"), PrintContext(
        ctx.event_type, ctx.data, ctx.computed, ctx.mentions, 1, qr_text=text)).pdf)
    on_pdf = verify_printed(pdf, ca_certs)
    assert not on_pdf.genuine and on_pdf.reason == "earlier_code"


def test_a_copy_signed_by_a_revoked_centre_does_not_verify(
        tmp_path: Path, authority: CountryAuthority, ca_certs: list[x509.Certificate]) -> None:
    rogue = make_centre(authority, "040506")
    path = issue(tmp_path, rogue)
    assert verify_printed(path, ca_certs).genuine
    result = verify_printed(path, ca_certs, revocation_list=revoke(authority, rogue))
    assert not result.genuine and result.reason == "revoked" and not result.code_genuine


def test_a_copy_signed_by_a_centre_unknown_to_the_country_does_not_verify(
        tmp_path: Path, ca_certs: list[x509.Certificate]) -> None:
    elsewhere = create_country_authority("SN", "République du Sénégal")  # a look-alike CA
    impostor = make_centre(elsewhere, "010203")
    result = verify_printed(issue(tmp_path, impostor), ca_certs)
    assert not result.genuine and result.reason == "chain_invalid"


def test_the_printed_centre_code_is_the_signing_certificates(
        tmp_path: Path, authority: CountryAuthority, ca_certs: list[x509.Certificate]) -> None:
    other = make_centre(authority, "070707")  # CENTRE says 010203
    result = verify_printed(issue(tmp_path, other), ca_certs)
    assert result.genuine and result.centre_code == "070707"
    assert result.certified is not None and result.certified.centre.code == "070707"


def test_the_values_are_read_back_exactly_as_signed(centre: Centre) -> None:
    from decimal import Decimal

    from printdesigner.certified import certify
    from printdesigner.defaults import default_template

    template = default_template("birth", "receipt")
    certified = certify(birth_act(), "receipt", template, copy_number=3,
                        issued_at=issued_now().replace(second=0, microsecond=0),
                        centre=CENTRE, officer="Mamadou DIALLO", requester="Awa Sow",
                        receipt_number="R 000042 / 2026", fee=(Decimal("1500"), "FCFA"),
                        paid_for="extract_filiation")
    header, end = Header.read(certified.to_bytes())
    assert end == len(certified.to_bytes())
    assert CertifiedCopy.open(header, CENTRE.code) == certified
    assert certified.fee == (Decimal("1500"), "FCFA") and certified.requester == "Awa Sow"
    assert certified.mentions == ()  # the receipt does not print them: not carried


def test_an_unreadable_input_is_refused_clearly(tmp_path: Path,
                                                ca_certs: list[x509.Certificate]) -> None:
    with pytest.raises(VerificationError) as info:
        verify_printed(tmp_path / "nothing.png", ca_certs)
    assert info.value.rule == "unreadable"
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(render_copy(birth_act(), "extract", centre=CENTRE))  # unsigned: no code
    with pytest.raises(VerificationError) as info:
        verify_printed(blank, ca_certs)
    assert info.value.rule == "no_code"


def test_a_copy_of_an_act_held_by_another_centre_says_so_on_paper_and_in_its_code(
        tmp_path: Path, centre: Centre, ca_certs: list[x509.Certificate]) -> None:
    """Issue 15: a copy issued here of an act registered elsewhere, from the SCEC's answer."""
    from common.wire.errors import ContainerRefused
    from printdesigner.certified import says_where_held
    from printdesigner.defaults import default_template
    from printdesigner.errors import PrintError
    from tests.printdesigner.pdfread import flat, pdftotext

    holding = CentreInfo("224002", "Centre d'état civil de Ziguinchor")
    pdf = render_copy(birth_act(), "full", signer=centre, centre=CENTRE,
                      issued_at=issued_now(), holding=holding)
    text = flat(pdftotext(pdf))
    assert "Ziguinchor" in text and "Thiès Nord" in text  # the holder and the issuer
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    result = verify_printed(path, ca_certs)
    assert result.genuine, result.message
    assert result.centre_code == "010203" and result.certified is not None
    assert result.certified.act.centre_code == "224002"
    assert facts(result)["Acte détenu par"] == "224002 — Centre d'état civil de Ziguinchor"

    # the centre's own copy: no holding centre in the code, the same bytes as before
    own = verify_code(read_qr_from_pdf(issue(tmp_path, centre).read_bytes()), ca_certs)
    assert own.certified is not None and not own.certified.held_elsewhere
    assert own.certified.act.centre_code == "010203" and "Acte détenu par" not in facts(own)
    assert CertifiedCopy.to_bytes(own.certified) == CertifiedCopy.to_bytes(
        dataclasses.replace(own.certified, holding_centre=""))

    # a template that does not say where the act is kept cannot print such a copy
    template = default_template("birth", "full")
    assert says_where_held(template)
    silent = dataclasses.replace(template, pages=tuple(
        dataclasses.replace(p, elements=tuple(e for e in p.elements if e.id != "intro"))
        for p in template.pages))
    assert not says_where_held(silent)
    with pytest.raises(PrintError) as refused:
        render_copy(birth_act(), "full", silent, signer=centre, centre=CENTRE,
                    issued_at=issued_now(), holding=holding)
    assert refused.value.rule == "no_holding_centre"

    # a code naming a holding centre while the act's centre is the signer's is refused
    forged = dataclasses.replace(own.certified, holding_centre="Ziguinchor")
    header = Header.read(forged.to_bytes())[0]
    with pytest.raises(ContainerRefused) as bad:
        CertifiedCopy.open(header, "010203")
    assert "holding centre" in str(bad.value.detail)
