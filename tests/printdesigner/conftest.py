"""Fixtures of the print tests: a country CA and centres made with common.pki, and Xvfb."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from cryptography import x509

from common.pki.authority import (
    CountryAuthority,
    RevokedEntry,
    build_centre_request,
    build_revocation_list,
    check_centre_request,
    create_country_authority,
    issue_centre_certificate,
)
from common.pki.keys import generate_key
from tests.conftest import virtual_display


@dataclass(frozen=True)
class Centre:
    """A centre's signing identity, shaped like ``common.pki.centre.CentreIdentity``."""

    centre_code: str
    key: object
    certificate: x509.Certificate
    ca_certificates: tuple[x509.Certificate, ...]


def make_centre(authority: CountryAuthority, code: str) -> Centre:
    key = generate_key()
    csr = check_centre_request(build_centre_request(key, code), code)
    cert = issue_centre_certificate(authority.issuing_key, authority.issuing_certificate, csr,
                                    code)
    return Centre(code, key, cert, (authority.issuing_certificate, authority.root_certificate))


@pytest.fixture(scope="session")
def authority() -> CountryAuthority:
    return create_country_authority("SN", "République du Sénégal")


@pytest.fixture(scope="session")
def centre(authority: CountryAuthority) -> Centre:
    return make_centre(authority, "010203")


@pytest.fixture(scope="session")
def centre_signer(authority: CountryAuthority) -> Centre:
    """The signing identity of the database centre of the services tests (code 221001)."""
    return make_centre(authority, "221001")


@pytest.fixture(scope="session")
def ca_certs(authority: CountryAuthority) -> list[x509.Certificate]:
    return [authority.issuing_certificate, authority.root_certificate]


def revoke(authority: CountryAuthority, *centres: Centre,
           number: int = 1) -> x509.CertificateRevocationList:
    now = dt.datetime.now(dt.UTC)
    return build_revocation_list(
        authority.issuing_key, authority.issuing_certificate,
        [RevokedEntry(c.certificate.serial_number, now) for c in centres], number)


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """A private X display, larger than the GUI tests' one: the designer's palette,
    canvas and properties panel side by side."""
    with virtual_display("1600x1000x24") as display:
        yield display
