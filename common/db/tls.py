"""How a connection to a database over the network must be protected (issue 11, finding 8).

The rule, applied to every connection that ECR opens to a DSN (workstation,
transmitter, SCEC worker)::

    every host and hostaddr is a Unix socket or a loopback address  ->  as given
    otherwise                                                        ->  sslmode=verify-full,
                                                                          a root certificate

A connection that stays inside the machine (the embedded server's socket, a
server on the same PC reached through ``localhost``) crosses no network and is
left alone.  Anything else crosses the centre's LAN, where the login proof,
the session tokens and the acts would travel in clear: it must be encrypted
*and* the server must prove it is the centre's server, which only
``verify-full`` does (``require`` and ``verify-ca`` accept a server that an
attacker on the LAN put in between, with any certificate of the same root or
none).  A weaker ``sslmode`` is refused before anything is sent, with a
message that says what to do; libpq's environment (``PGSSLMODE``, ``PGHOST``
...) cannot weaken it, since the values decided here are written into the
connection's parameters, which take precedence.

The root certificate is the one ``sslrootcert`` names, or else the home's
``keys/db/server-root.crt`` (copied there from the ``sslrootcert`` of the
address given to ``ecr init``, :func:`move_root_out_of_dsn`).  A
centre makes its server's certificate with ``ecr db tls-setup``
(:mod:`common.db.tls_server`).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg

from common.db import files
from common.errors import UserError
from common.i18n import translator

tr = translator("db")

#: The server's root certificate in a centre home (under ``keys/db``).
ROOT_FILE = "server-root.crt"

#: The only sslmode accepted for a connection that crosses a network.
REQUIRED_MODE = "verify-full"


class TransportRefused(UserError):
    """A connection that would cross a network without verified TLS; nothing was sent."""

    def __init__(self, message: str, *, rule: str) -> None:
        super().__init__(message, field="database.dsn", rule=rule)


def is_local(params: Mapping[str, Any]) -> bool:
    """True when every host and hostaddr of ``params`` (or libpq's environment) is local.

    Local means a Unix socket path (``/…`` or an abstract ``@…``), ``localhost``
    or a loopback address.  No host at all is libpq's default: the Unix socket.
    """
    hosts = _values(params, "host", "PGHOST")
    addresses = _values(params, "hostaddr", "PGHOSTADDR")
    return all(_local_host(h) for h in hosts) and all(_loopback(a) for a in addresses)


def secured(params: Mapping[str, Any], secrets_dir: Path | None) -> dict[str, Any]:
    """``params`` as they may be used: unchanged when local, else with verified TLS.

    Raises :class:`TransportRefused` for a network connection whose ``sslmode`` is
    weaker than ``verify-full`` or that has no root certificate to verify with.
    """
    out = dict(params)
    if is_local(out):
        return out
    where = ", ".join(_values(out, "host", "PGHOST") or _values(out, "hostaddr", "PGHOSTADDR"))
    mode = str(out.get("sslmode") or os.environ.get("PGSSLMODE") or "")
    if mode and mode != REQUIRED_MODE:
        raise TransportRefused(
            tr("The database server {host} is reached over the network with sslmode={mode}: "
               "anyone on the network could read the logins and the acts, or pose as the "
               "server. Only sslmode=verify-full is accepted there (or connect through the "
               "local socket on the server itself)", host=where, mode=mode),
            rule="tls_required")
    out["sslmode"] = REQUIRED_MODE
    root = out.get("sslrootcert") or os.environ.get("PGSSLROOTCERT")
    if not root and secrets_dir is not None and (Path(secrets_dir) / ROOT_FILE).is_file():
        root = str(Path(secrets_dir) / ROOT_FILE)
    if not root:
        raise TransportRefused(
            tr("The database server {host} is reached over the network, so ECR must verify "
               "its certificate, and it has no root certificate to do it with: add "
               "sslrootcert=FILE to the address, FILE being the server-root.crt made by "
               "'ecr db tls-setup' on the server", host=where),
            rule="tls_root_missing")
    if root != "system" and not Path(str(root)).is_file():
        raise TransportRefused(
            tr("The database server's root certificate {file} cannot be read", file=root),
            rule="tls_root_missing")
    out["sslrootcert"] = str(root)
    return out


def refusal_reason(reason: str) -> str | None:
    """A plain explanation when libpq's ``reason`` is a failed server verification."""
    if "does not match host name" in reason:
        return tr("The database server's certificate is not for the name it was reached by: "
                  "check the server name in the address (it must be one the certificate "
                  "names) or make a new certificate with 'ecr db tls-setup'")
    if "certificate verify failed" in reason or "self-signed certificate" in reason:
        return tr("The database server's certificate is not signed by the centre's root "
                  "certificate: this is not the centre's server, or its certificate was "
                  "replaced. Do not go on; ask the administrator")
    if "server does not support SSL" in reason:
        return tr("The database server does not offer encryption: it must be configured "
                  "with 'ecr db tls-setup' before workstations can connect over the network")
    return None


def _values(params: Mapping[str, Any], key: str, env: str) -> list[str]:
    raw = params.get(key)
    if raw is None or raw == "":
        raw = os.environ.get(env, "")
    return [part.strip() for part in str(raw).split(",") if part.strip()]


def _local_host(host: str) -> bool:
    if host.startswith(("/", "@")):
        return True
    return host.lower() == "localhost" or _loopback(host)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False


def move_root_out_of_dsn(dsn: str, secrets_dir: Path) -> str:
    """``dsn`` without ``sslrootcert``, whose file is copied to ``secrets_dir/server-root.crt``.

    The root given at ``ecr init`` often sits on a USB stick: the home keeps
    its own copy, so the centre still verifies its server once the stick is
    gone, and a backup of the home carries it.  ``secured`` finds it there.
    """
    params = dict(psycopg.conninfo.conninfo_to_dict(dsn))
    source = params.pop("sslrootcert", None)
    if not source or source == "system":
        return dsn
    try:
        data = Path(str(source)).read_bytes()
    except OSError as exc:
        raise TransportRefused(
            tr("The database server's root certificate {file} cannot be read: {reason}",
               file=source, reason=exc.strerror or str(exc)), rule="tls_root_missing") from exc
    if b"-----BEGIN CERTIFICATE-----" not in data:
        raise TransportRefused(
            tr("{file} is not a certificate (PEM): give the server-root.crt made by "
               "'ecr db tls-setup'", file=source), rule="tls_root_invalid")
    files.make_private_dir(Path(secrets_dir))
    files.atomic_write(Path(secrets_dir) / ROOT_FILE, data, mode=0o644)
    return psycopg.conninfo.make_conninfo("", **params)
