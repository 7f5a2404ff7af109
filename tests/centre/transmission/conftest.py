"""Fixtures of the transmission tests: an enrolled centre, the real Mosquitto, a SCEC stand-in.

``enrolled`` is the ``centre`` of tests/centre/conftest.py with a certificate
issued by a test country authority for the key ``ecr init`` made, installed in
its keys folder as ``ecr enroll`` would; ``scec`` answers its containers on the
real broker (see ``scec_standin``: a programmable SCEC for edge cases; the real
one is exercised in tests/faults).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from common.pki import centre as centre_pki
from common.pki.authority import CountryAuthority, check_centre_request, issue_centre_certificate
from common.transport.mqtt import BrokerAddress, connect, new_client
from ecr_tk.services import Centre
from tests.centre.conftest import OFFICER, PASSWORDS
from tests.common.pki.factory import authority, write_pem
from tests.conftest import MQTT_HOST, MQTT_PORT

from .scec_standin import ScecStandIn


@dataclass
class Enrolled:
    centre: Centre
    ca: CountryAuthority
    certificate: x509.Certificate


@pytest.fixture
def centre(fresh_db: str, tmp_path: Path) -> Iterator[Centre]:
    """A centre with a code of its own: its broker session (client id ``ecr-centre-<code>``)
    must not be another test's, on a broker that keeps sessions for days."""
    code = f"22{random.randrange(10_000):04d}"
    c = Centre.init(tmp_path / "home", code, "Centre de Thiès", OFFICER, "Awa Diop",
                    PASSWORDS[OFFICER], dsn=fresh_db, workstation="ws-test")
    try:
        yield c
    finally:
        c.close()
        forget_session(code)


def forget_session(code: str) -> None:
    """Drop the broker's persistent session of this centre (clean start, no expiry)."""
    client = new_client(f"ecr-centre-{code}", BrokerAddress(MQTT_HOST, MQTT_PORT))
    connect(client, BrokerAddress(MQTT_HOST, MQTT_PORT), 10, clean_start=True)
    client.loop_stop()
    client.disconnect()


@pytest.fixture(scope="session")
def country() -> CountryAuthority:
    return authority()


def enroll(centre: Centre, ca: CountryAuthority) -> x509.Certificate:
    assert centre.home is not None
    keys = centre.home.folder("keys")
    csr_der = x509.load_pem_x509_csr((keys / centre_pki.CSR_FILE).read_bytes()).public_bytes(
        serialization.Encoding.DER)
    code = centre.identity.code
    cert = issue_centre_certificate(ca.issuing_key, ca.issuing_certificate,
                                    check_centre_request(csr_der, code), code)
    write_pem(keys / centre_pki.CA_FILE, ca.issuing_certificate, ca.root_certificate)
    write_pem(keys / centre_pki.SCEC_SIGNING_FILE, ca.signing_certificate)
    write_pem(keys / centre_pki.SCEC_ENCRYPTION_FILE, ca.encryption_certificate)
    write_pem(keys / centre_pki.CERT_FILE, cert)
    return cert


@pytest.fixture
def enrolled(centre: Centre, country: CountryAuthority, mqtt_topic_prefix: str) -> Enrolled:
    cert = enroll(centre, country)
    assert centre.home is not None
    centre.home = centre.home.update({
        "transmission.broker": f"{MQTT_HOST}:{MQTT_PORT}",
        "transmission.topic_root": mqtt_topic_prefix,
        "transmission.resend_seconds": 5, "transmission.batch_size": 7})
    return Enrolled(centre, country, cert)


@pytest.fixture
def scec(enrolled: Enrolled, mqtt_topic_prefix: str) -> Iterator[ScecStandIn]:
    standin = ScecStandIn(enrolled.ca, enrolled.centre.identity.code, enrolled.certificate,
                          BrokerAddress(MQTT_HOST, MQTT_PORT), mqtt_topic_prefix)
    standin.start()
    try:
        yield standin
    finally:
        standin.stop()
