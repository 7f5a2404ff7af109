"""The verification QR code: a genuine copy verifies; an altered or badly signed one does not."""

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
from printdesigner.documents import CentreInfo, SampleAct, render_copy
from printdesigner.errors import VerificationError
from printdesigner.qr import (
    PREFIX,
    b45decode,
    b45encode,
    read_qr_from_pdf,
    verify_printed,
)
from tests.printdesigner.conftest import Centre, make_centre, revoke
from tests.printdesigner.pdfread import page_count

CENTRE = CentreInfo("010203", "Thiès Nord", "Région de Thiès", "Thiès", "République du Sénégal")


def issued_now() -> dt.datetime:
    """A copy issued a minute ago, at test time: a time taken at import (collection)
    would precede certificates made later in a long run, which then are "not yet valid"."""
    return dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)


def birth_act(**changes: object) -> SampleAct:
    act = SampleAct("birth", EXAMPLES["birth"], niu=make_niu("010203", 2026, 42),
                    register_number="123/2026", registered_on=REGISTERED_ON["birth"])
    return dataclasses.replace(act, **changes)  # type: ignore[arg-type]


def issue(tmp_path: Path, signer: Centre, act: SampleAct | None = None, *,
          name: str = "copy.pdf", kind: str = "full") -> Path:
    pdf = render_copy(act or birth_act(), kind, signer=signer, centre=CENTRE,
                      issued_at=issued_now(), officer="Mamadou DIALLO")
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def test_base45_round_trips_every_byte_value() -> None:
    data = bytes(range(256)) + b"\x00"
    assert b45decode(b45encode(data)) == data
    assert b45encode(b"AB") == "BB8"  # RFC 9285 example
    with pytest.raises(ValueError):
        b45decode("GGW")  # 65535 + 1


def test_a_genuine_copy_verifies_from_its_pdf(tmp_path: Path, centre: Centre,
                                              ca_certs: list[x509.Certificate]) -> None:
    result = verify_printed(issue(tmp_path, centre), ca_certs)
    assert result.genuine, result.message
    assert result.text_checked
    assert result.centre_code == "010203"
    assert result.seal is not None and result.seal.niu == str(birth_act().niu)
    assert result.seal.names == ("Ndiaye", "Awa Ndèye")
    assert result.seal.kind == "full" and result.seal.copy_number == 1


def test_a_genuine_copy_verifies_from_a_scan_and_from_the_decoded_text(
        tmp_path: Path, centre: Centre, ca_certs: list[x509.Certificate]) -> None:
    pdf = issue(tmp_path, centre)
    last = str(page_count(pdf.read_bytes()))  # the code is on the last page
    subprocess.run(["pdftoppm", "-r", "200", "-f", last, "-l", last, "-png", "-singlefile",
                    str(pdf), str(tmp_path / "scan")], check=True)
    scan = verify_printed(tmp_path / "scan.png", ca_certs)
    assert scan.genuine and not scan.text_checked
    text = read_qr_from_pdf(pdf.read_bytes())
    assert text.startswith(PREFIX)
    assert verify_printed(text, ca_certs).genuine


def test_the_qr_code_stays_small_enough_to_scan_from_paper(tmp_path: Path,
                                                           centre: Centre) -> None:
    text = read_qr_from_pdf(issue(tmp_path, centre).read_bytes())
    assert len(text) <= 480, len(text)  # alphanumeric QR version 13-M at most


def _forge(genuine: Path, forged_data: dict[str, object], tmp_path: Path,
           layout: dict[str, object] | None) -> Path:
    """What a forger does: print other data around the genuine copy's code."""
    from printdesigner.binding import PrintContext
    from printdesigner.defaults import default_template
    from printdesigner.documents import print_context
    from printdesigner.readback import attach_layout
    from printdesigner.render import render

    code = read_qr_from_pdf(genuine.read_bytes())
    ctx = print_context(birth_act(data=forged_data), "full", centre=CENTRE, issued_at=issued_now(),
                        officer="Mamadou DIALLO")
    ctx = PrintContext(ctx.event_type, ctx.data, ctx.computed, ctx.mentions, 1, qr_text=code)
    pdf = render(default_template("birth", "full"), ctx).pdf
    path = tmp_path / "forged.pdf"
    path.write_bytes(attach_layout(pdf, layout) if layout is not None else pdf)
    return path


def test_a_copy_whose_name_was_altered_does_not_verify(tmp_path: Path, centre: Centre,
                                                       ca_certs: list[x509.Certificate]) -> None:
    from printdesigner.readback import read_layout
    from printdesigner.render import printed_layout

    genuine = issue(tmp_path, centre)
    child = EXAMPLES["birth"]["child"]
    forged_data = {**EXAMPLES["birth"], "child": {**child, "given_names": "Awa Ndèye Khady"}}
    # 1. the genuine copy's signed layout kept, the visible name changed
    kept = _forge(genuine, forged_data, tmp_path, read_layout(genuine.read_bytes()))
    result = verify_printed(kept, ca_certs)
    assert not result.genuine and result.reason == "altered"
    assert any("Awa Ndèye" in d for d in result.differences), result.differences
    # 2. the layout rewritten to match the forgery: its digest no longer matches the code
    from printdesigner.documents import print_context

    ctx = print_context(birth_act(data=forged_data), "full", centre=CENTRE, issued_at=issued_now(),
                        officer="Mamadou DIALLO")
    from printdesigner.defaults import default_template

    rewritten = _forge(genuine, forged_data, tmp_path,
                       printed_layout(default_template("birth", "full"), ctx))
    result = verify_printed(rewritten, ca_certs)
    assert not result.genuine and result.reason == "altered"
    # 3. no layout at all (a PDF made from a scan): the certified names must be printed
    surname_changed = {**EXAMPLES["birth"],
                       "child": {**child, "surname": "Sow"},
                       "father": {**EXAMPLES["birth"]["father"], "surname": "Sow"},
                       "declarant": {**EXAMPLES["birth"]["declarant"], "surname": "Sow"}}
    bare = _forge(genuine, surname_changed, tmp_path, None)
    result = verify_printed(bare, ca_certs)
    assert not result.genuine and result.reason == "altered"


def test_a_code_whose_bytes_were_changed_does_not_verify(tmp_path: Path, centre: Centre,
                                                         ca_certs: list[x509.Certificate]) -> None:
    code = read_qr_from_pdf(issue(tmp_path, centre).read_bytes())
    raw = bytearray(b45decode(code[len(PREFIX):]))
    position = raw.index(b"Ndiaye")
    raw[position] = ord("M")  # "Mdiaye"
    result = verify_printed(PREFIX + b45encode(bytes(raw)), ca_certs)
    assert not result.genuine and result.reason == "signature_invalid"
    assert verify_printed(code[:-6], ca_certs).reason == "not_a_seal"
    assert verify_printed(PREFIX + "hello", ca_certs).reason == "not_a_seal"


def test_a_copy_signed_by_a_revoked_centre_does_not_verify(
        tmp_path: Path, authority: CountryAuthority, ca_certs: list[x509.Certificate]) -> None:
    rogue = make_centre(authority, "040506")
    path = issue(tmp_path, rogue)
    assert verify_printed(path, ca_certs).genuine
    result = verify_printed(path, ca_certs, revocation_list=revoke(authority, rogue))
    assert not result.genuine and result.reason == "revoked"


def test_a_copy_signed_by_a_centre_unknown_to_the_country_does_not_verify(
        tmp_path: Path, ca_certs: list[x509.Certificate]) -> None:
    elsewhere = create_country_authority("SN", "République du Sénégal")  # a look-alike CA
    impostor = make_centre(elsewhere, "010203")
    result = verify_printed(issue(tmp_path, impostor), ca_certs)
    assert not result.genuine and result.reason == "chain_invalid"


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
