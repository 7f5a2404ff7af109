"""``xmserver broker-config``: a Mosquitto configuration that enforces who may say what.

Written into one folder (the broker reads it; nothing else is needed):

* ``mosquitto.conf``: a TLS listener (default 8883) that **requires a client
  certificate from the country's PKI** and takes the certificate's CN as the
  MQTT user name (a centre's code, or ``xmserver`` for the workers), checks the
  revocation list, and applies ``acl``; and an enrollment listener (default
  8884), TLS with the broker's certificate but no client certificate (a centre
  that is not enrolled has none yet), where anonymous clients may only publish
  enrollment requests and read enrollment responses (``acl-enroll``);
* ``ca.pem`` (issuing + root CA), ``server.pem`` / ``server.key`` (the broker's
  certificate, serverAuth, naming the hosts centres connect to),
  ``revocations.pem`` (the current CRL), ``worker.pem`` / ``worker.key`` (the
  workers' client certificate, CN ``xmserver``); keys are written 0600 and
  unencrypted (a service must start unattended: protect the folder).

The ACL lets centre ``C`` publish only to ``<root>/centre/C/up`` and
``<root>/enroll/C/request`` and ``<root>/query/C/request`` and read only
``<root>/centre/C/down`` and its enrollment and query responses; the workers read
every ``up`` and request and write every ``down`` and response.
Mosquitto reads the CRL at start: after ``xmserver centre revoke`` run
``xmserver broker-config --refresh-crl`` and restart the broker (the systemd
units in docs/install-scec.md do it on a timer, as the CRL is valid 7 days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from common.pki.authority import issue_service_certificate
from common.pki.keys import generate_key, write_file_atomically
from xmserver.centres import Conn, current_revocation_list
from xmserver.pki_store import ScecPki

WORKER_NAME = "xmserver"
_PEM = serialization.Encoding.PEM
#: Renew the broker's and workers' certificates this long before they expire.
RENEW_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True)
class BrokerConfig:
    folder: Path
    files: list[str]
    renewed: list[str]


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _current(cert_path: Path, hosts: list[str] | None) -> bool:
    """True if the certificate there is still good for a while (and names these hosts)."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError):
        return False
    if cert.not_valid_after_utc - RENEW_BEFORE < dt.datetime.now(dt.UTC):
        return False
    if hosts is None:
        return True
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    have = {str(v) for v in names.get_values_for_type(x509.DNSName)}
    have |= {str(v) for v in names.get_values_for_type(x509.IPAddress)}
    return have == set(hosts)


def _issue(pki: ScecPki, folder: Path, stem: str, common_name: str, *,
           hosts: list[str] | None, client: bool) -> None:
    key = generate_key()
    cert = issue_service_certificate(pki.issuing_key, pki.issuing_certificate, key.public_key(),
                                     common_name, server_names=hosts or (), client=client)
    write_file_atomically(folder / f"{stem}.key", _key_pem(key), mode=0o600)
    write_file_atomically(folder / f"{stem}.pem", cert.public_bytes(_PEM)
                          + pki.issuing_certificate.public_bytes(_PEM))


def refresh_revocation_list(conn: Conn, pki: ScecPki, folder: Path) -> Path:
    crl = current_revocation_list(conn, pki)
    path = folder / "revocations.pem"
    write_file_atomically(path, crl.public_bytes(_PEM))
    return path


def write_broker_config(conn: Conn, pki: ScecPki, folder: Path, *, hosts: list[str],
                        port: int = 8883, enroll_port: int = 8884, topic_root: str = "ecr",
                        bind: str = "0.0.0.0",  # noqa: S104 (centres connect from anywhere)
                        data_dir: Path | None = None, renew: bool = False,
                        run_as: str | None = None) -> BrokerConfig:
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    renewed = []
    if renew or not _current(folder / "server.pem", hosts):
        _issue(pki, folder, "server", hosts[0], hosts=hosts, client=False)
        renewed.append("server.pem")
    if renew or not _current(folder / "worker.pem", None):
        _issue(pki, folder, "worker", WORKER_NAME, hosts=None, client=True)
        renewed.append("worker.pem")
    write_file_atomically(folder / "ca.pem", pki.issuing_certificate.public_bytes(_PEM)
                          + pki.root_certificate.public_bytes(_PEM))
    refresh_revocation_list(conn, pki, folder)
    write_file_atomically(folder / "acl", _acl(topic_root).encode())
    write_file_atomically(folder / "acl-enroll", _enroll_acl(topic_root).encode())
    data = Path(data_dir).resolve() if data_dir else folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    write_file_atomically(folder / "mosquitto.conf",
                          _conf(folder, data, bind, port, enroll_port, run_as).encode())
    files = sorted(p.name for p in folder.iterdir() if p.is_file())
    return BrokerConfig(folder, files, renewed)


def _acl(root: str) -> str:
    return f"""# ECR broker ACL (written by xmserver broker-config; edits are overwritten)
# The MQTT user name is the client certificate's CN: a centre code, or {WORKER_NAME}.

user {WORKER_NAME}
topic read {root}/centre/+/up
topic write {root}/centre/+/down
topic read {root}/enroll/+/request
topic write {root}/enroll/+/response/+
topic read {root}/query/+/request
topic write {root}/query/+/response/+
topic write {root}/country/#

# every centre: its own topics only (%u is its code)
pattern write {root}/centre/%u/up
pattern read {root}/centre/%u/down
pattern write {root}/enroll/%u/request
pattern read {root}/enroll/%u/response/+
pattern write {root}/query/%u/request
pattern read {root}/query/%u/response/+
pattern read {root}/country/#
"""


def _enroll_acl(root: str) -> str:
    return f"""# ECR enrollment listener ACL: clients without a certificate (not enrolled yet)
# may only ask for enrollment and read the answers.  An answer holds a certificate
# (public) or a refusal, never a secret; a request holds a one-time token, and
# requests cannot be read here.
topic write {root}/enroll/+/request
topic read {root}/enroll/+/response/+
"""


def _conf(folder: Path, data: Path, bind: str, port: int, enroll_port: int,
          run_as: str | None) -> str:
    user = f"user {run_as}\n" if run_as else ""
    return f"""# ECR broker (Mosquitto 2.x), written by xmserver broker-config.
{user}per_listener_settings true
persistence true
persistence_location {data}/
autosave_interval 60
# a container is at most 1 MiB; receipts wait for offline centres (days)
message_size_limit 1100000
max_queued_messages 100000
max_inflight_messages 20
persistent_client_expiration 14d

# centres and workers: TLS, client certificate from the country's PKI required
listener {port} {bind}
protocol mqtt
cafile {folder}/ca.pem
certfile {folder}/server.pem
keyfile {folder}/server.key
crlfile {folder}/revocations.pem
tls_version tlsv1.2
require_certificate true
use_identity_as_username true
allow_anonymous false
acl_file {folder}/acl

# enrollment: TLS (the broker's certificate), no client certificate yet
listener {enroll_port} {bind}
protocol mqtt
cafile {folder}/ca.pem
certfile {folder}/server.pem
keyfile {folder}/server.key
tls_version tlsv1.2
require_certificate false
allow_anonymous true
acl_file {folder}/acl-enroll
"""
