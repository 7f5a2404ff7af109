"""The database server's side of finding 8: its TLS key, certificate and configuration.

``ecr db tls-setup`` (the administrator, on the server) calls
:func:`write_server_files`, which writes into one folder::

    server.key            the server's private key (0600; PostgreSQL reads it)
    server.crt            its certificate, naming the server as workstations reach it
    server-root.crt       the root that signed it: given to every workstation
    postgresql-tls.conf   lines for postgresql.conf (ssl on, TLS 1.2 at least)
    pg_hba-tls.conf       lines for pg_hba.conf: network logins over TLS only

The root's key is not kept (see
:func:`common.pki.authority.create_database_server_certificate`).  Nothing
here touches a running server: the administrator copies the files, includes
the two configuration files and reloads PostgreSQL, which the documentation
(``docs/administration.md``) shows step by step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from common.db import files, tls
from common.pki.authority import create_database_server_certificate

KEY_FILE = "server.key"
CERT_FILE = "server.crt"
CONF_FILE = "postgresql-tls.conf"
HBA_FILE = "pg_hba-tls.conf"


@dataclass(frozen=True)
class ServerFiles:
    folder: Path
    key: Path
    certificate: Path
    root: Path
    conf: Path
    hba: Path
    not_after: str


def postgresql_conf(folder: Path) -> str:
    """``postgresql.conf`` lines that turn TLS on with the files in ``folder``."""
    return (
        "# ECR: TLS for workstations (ecr db tls-setup)\n"
        "ssl = on\n"
        f"ssl_cert_file = '{folder / CERT_FILE}'\n"
        f"ssl_key_file = '{folder / KEY_FILE}'\n"
        "ssl_min_protocol_version = 'TLSv1.2'\n"
        "password_encryption = 'scram-sha-256'\n"
    )


def pg_hba(dbname: str = "all") -> str:
    """``pg_hba.conf`` lines: the local socket as before; over the network, TLS or nothing.

    pg_hba.conf is read top down and the first matching line wins, so these
    lines go *before* any other ``host`` line.
    """
    return (
        "# ECR: workstations reach the database over TLS only (ecr db tls-setup)\n"
        f"hostnossl {dbname} all 0.0.0.0/0 reject\n"
        f"hostnossl {dbname} all ::/0 reject\n"
        f"hostssl   {dbname} all 0.0.0.0/0 scram-sha-256\n"
        f"hostssl   {dbname} all ::/0 scram-sha-256\n"
    )


def write_server_files(folder: Path, centre_code: str, server_names: Iterable[str],
                       dbname: str = "all") -> ServerFiles:
    """Make the server's key, certificate and root, and the configuration lines, in ``folder``."""
    root, key, certificate = create_database_server_certificate(centre_code, server_names)
    folder = Path(folder).absolute()
    files.make_private_dir(folder)
    pem = serialization.Encoding.PEM
    paths = ServerFiles(
        folder=folder, key=folder / KEY_FILE, certificate=folder / CERT_FILE,
        root=folder / tls.ROOT_FILE, conf=folder / CONF_FILE, hba=folder / HBA_FILE,
        not_after=certificate.not_valid_after_utc.date().isoformat())
    files.atomic_write(paths.key, key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()), mode=0o600)
    files.atomic_write(paths.certificate, certificate.public_bytes(pem), mode=0o644)
    files.atomic_write(paths.root, root.public_bytes(pem), mode=0o644)
    files.atomic_write(paths.conf, postgresql_conf(folder).encode(), mode=0o644)
    files.atomic_write(paths.hba, pg_hba(dbname).encode(), mode=0o644)
    return paths
