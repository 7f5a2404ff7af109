"""``ecr verify`` and ``ecr copy issue --out``'s helper, through the real CLI root and services."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

import ecr_tk.cli
from common.pki.authority import CountryAuthority
from tests.printdesigner.conftest import Centre, make_centre, revoke
from tests.printdesigner.test_qr import issue


@pytest.fixture
def ecr():  # type: ignore[no-untyped-def]
    """The ``ecr`` command, whose root lists the verify family."""
    assert "ecr_tk.cli.verify" in ecr_tk.cli.COMMAND_MODULES
    return ecr_tk.cli.main


def _pem(path: Path, certificates: list[x509.Certificate]) -> Path:
    path.write_bytes(b"".join(c.public_bytes(Encoding.PEM) for c in certificates))
    return path


def test_ecr_verify_says_genuine_and_exits_0(ecr, tmp_path: Path, centre: Centre,  # type: ignore[no-untyped-def]
                                            ca_certs: list[x509.Certificate],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    copy = issue(tmp_path, centre)
    ca = _pem(tmp_path / "ca.pem", ca_certs)
    assert ecr(["--json", "verify", str(copy), "--ca", str(ca)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["genuine"] is True and out["centre_code"] == "010203"
    assert out["names"] == ["Ndiaye", "Awa Ndèye"] and out["scope"] == "document"
    assert {"label": "Mère › Nom", "value": "SOW"} in out["certified"]


def test_ecr_verify_refuses_a_revoked_centre_with_exit_1(
        ecr, tmp_path: Path, authority: CountryAuthority,  # type: ignore[no-untyped-def]
        ca_certs: list[x509.Certificate], capsys: pytest.CaptureFixture[str]) -> None:
    rogue = make_centre(authority, "070809")
    copy = issue(tmp_path, rogue)
    ca = _pem(tmp_path / "ca.pem", ca_certs)
    crl = tmp_path / "revocations.crl"
    crl.write_bytes(revoke(authority, rogue, number=7).public_bytes(Encoding.DER))
    assert ecr(["verify", str(copy), "--ca", str(ca), "--crl", str(crl)]) == 1
    assert "✘" in capsys.readouterr().out


def test_ecr_verify_without_a_ca_certificate_names_the_option(
        ecr, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    assert ecr(["--home", str(tmp_path / "nowhere"), "verify", "ECR2:AAAA"]) == 1
    assert "--ca" in capsys.readouterr().err


def test_ecr_verify_of_the_decoded_code_says_the_paper_was_not_checked_and_exits_3(
        ecr, tmp_path: Path, centre: Centre,  # type: ignore[no-untyped-def]
        ca_certs: list[x509.Certificate], capsys: pytest.CaptureFixture[str]) -> None:
    from printdesigner.verification import read_qr_from_pdf

    text = read_qr_from_pdf(issue(tmp_path, centre).read_bytes())
    ca = _pem(tmp_path / "ca.pem", ca_certs)
    assert ecr(["verify", text, "--ca", str(ca)]) == 3
    out = capsys.readouterr().out
    first, *rest = out.splitlines()
    assert first.startswith("⚠ ") and "le papier lui-même n'a pas été vérifié" in first
    assert "✔" not in out and "authentique :" not in first
    assert "Ce que certifie le code :" in rest
    assert any("Mère › Prénoms" in line and "Mariama" in line for line in rest)


def test_ecr_verify_quotes_a_hidden_character_of_its_argument_as_a_code_point(
        ecr, tmp_path: Path, ca_certs: list[x509.Certificate],  # type: ignore[no-untyped-def]
        capsys: pytest.CaptureFixture[str]) -> None:
    ca = _pem(tmp_path / "ca.pem", ca_certs)
    assert ecr(["verify", "copie\u202efdp.png\u200b", "--ca", str(ca)]) == 1
    err = capsys.readouterr().err
    assert "copieU+202Efdp.pngU+200B" in err
    assert "\u202e" not in err and "\u200b" not in err
