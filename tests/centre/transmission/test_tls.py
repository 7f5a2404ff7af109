"""With ``transmission.tls`` the centre reaches the broker with its enrolled key and certificate.

A Mosquitto started by the test: a TLS listener with a server certificate from
the test country's PKI and client certificates required (the certificate's CN
as the user name), plus a plain listener on which the SCEC stand-in (real wire
functions; a programmable SCEC for edge cases, the real one is in tests/faults) connects.
The broker's real configuration (``xmserver broker-config``, ACLs, revocation
list) is another branch's; this checks the centre's side of the TLS handshake.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from common.transport.mqtt import BrokerAddress
from ecr_tk.transmission import service
from tests.centre.conftest import Staff, validated_birth
from tests.common.pki.factory import write_pem

from .conftest import Enrolled
from .scec_standin import ScecStandIn
from .test_faults import _free_port, assert_each_acknowledged_once, wait_for


def _server_certificate(enrolled: Enrolled, folder: Path) -> tuple[Path, Path]:
    ca = enrolled.ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "broker")]))
            .issuer_name(ca.issuing_certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(ca.issuing_key, hashes.SHA256()))
    key_path = folder / "broker.key"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return write_pem(folder / "broker.pem", cert), key_path


def test_the_centre_transmits_over_tls_with_its_enrolled_certificate(
        enrolled: Enrolled, staff: Staff, fresh_db: str, tmp_path: Path,
        mqtt_topic_prefix: str) -> None:
    cert, key = _server_certificate(enrolled, tmp_path)
    cafile = write_pem(tmp_path / "ca.pem", enrolled.ca.issuing_certificate,
                       enrolled.ca.root_certificate)
    tls_port, plain_port = _free_port(), _free_port()
    conf = tmp_path / "mosquitto.conf"
    conf.write_text(
        # as root, mosquitto would switch to a user who cannot read pytest's folder
        "allow_anonymous true\npersistence false\n"
        + ("user root\n" if os.geteuid() == 0 else "") +
        f"listener {plain_port} 127.0.0.1\n"
        f"listener {tls_port} 127.0.0.1\ncafile {cafile}\ncertfile {cert}\nkeyfile {key}\n"
        f"require_certificate true\nuse_identity_as_username true\n")
    broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", str(conf)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    scec = ScecStandIn(enrolled.ca, enrolled.centre.identity.code, enrolled.certificate,
                       BrokerAddress("127.0.0.1", plain_port), mqtt_topic_prefix)
    try:
        def up() -> bool:
            assert broker.poll() is None, broker.stderr.read() if broker.stderr else ""
            try:
                scec.start()
                return True
            except Exception:
                return False

        wait_for(up, "the test broker", 20)
        home = enrolled.centre.home
        assert home is not None
        home = home.update({"transmission.broker": f"127.0.0.1:{tls_port}",
                            "transmission.tls": True})
        assert service.link_config(home).broker.tls is not None
        validated_birth(staff)
        result = service.sync(home, wait=60)
        assert result["done"], result
        assert_each_acknowledged_once(fresh_db, scec)
    finally:
        scec.stop()
        broker.terminate()
        broker.wait(10)
