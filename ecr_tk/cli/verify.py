"""``ecr verify``: is a printed copy genuine and unchanged?  Offline, with the CA certificate.

    ecr verify copie.pdf                  the PDF of a copy (code and page compared)
    ecr verify scan.png                   a scan or photo of the paper (code checked)
    ecr verify 'ECR1:…'                   the text a QR reader app decoded
    ecr verify copie.pdf --ca ca.pem --crl revocations.crl

The country's CA certificates come from ``--ca`` (PEM), else from the centre's
keys folder; the latest revocation list from ``--crl``, else the centre's copy
when there is one.  Exit code 0 when genuine, 1 when not (the reason is said).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from cryptography import x509

from common.errors import UserError
from common.i18n import translator
from ecr_tk.cli import emit

tr = translator("print")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("verify", help=tr("check a printed copy's verification code"))
    p.add_argument("copy", help=tr("PDF or image of the copy, or the decoded code (ECR1:…)"))
    p.add_argument("--ca", default=None, metavar="FILE",
                   help=tr("the country's CA certificates (PEM); default: the centre's"))
    p.add_argument("--crl", default=None, metavar="FILE",
                   help=tr("the latest revocation list (DER or PEM); default: the centre's"))
    p.add_argument("--keys-dir", default=None,
                   help=tr("keys folder (default: the home's keys folder)"))
    p.set_defaults(handler=verify)


def _keys_dir(args: argparse.Namespace) -> Path | None:
    if args.keys_dir:
        return Path(args.keys_dir)
    from ecr_tk.home import resolve_home

    try:
        return resolve_home(args.home or os.environ.get("ECR_HOME")) / "keys"
    except UserError:
        return None


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UserError(tr("Cannot read the {what} file {path}: {why}", what=what,
                           path=str(path), why=exc.strerror or str(exc)),
                        field=what, rule="unreadable") from None


def load_ca(args: argparse.Namespace) -> list[x509.Certificate]:
    from common.pki.centre import CA_FILE

    keys = _keys_dir(args)
    path = Path(args.ca) if args.ca else (keys / CA_FILE if keys else None)
    if path is None or (not args.ca and not path.exists()):
        raise UserError(tr("No CA certificate: give --ca FILE (the country's CA certificates)"),
                        field="ca", rule="required")
    try:
        certificates = x509.load_pem_x509_certificates(_read(path, "ca"))
    except ValueError:
        raise UserError(tr("{path} holds no PEM certificate", path=str(path)), field="ca",
                        rule="not_a_certificate") from None
    return certificates


def load_crl(args: argparse.Namespace) -> x509.CertificateRevocationList | None:
    from common.pki.centre import CRL_FILE

    keys = _keys_dir(args)
    path = Path(args.crl) if args.crl else (keys / CRL_FILE if keys else None)
    if path is None or (not args.crl and not path.exists()):
        return None
    data = _read(path, "crl")
    try:
        if data.lstrip().startswith(b"-----"):
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        raise UserError(tr("{path} is not a revocation list", path=str(path)), field="crl",
                        rule="not_a_crl") from None


def verify(args: argparse.Namespace) -> int:
    from printdesigner.qr import verify_printed

    result = verify_printed(args.copy, load_ca(args), load_crl(args))
    seal = result.seal
    lines = [("✔ " if result.genuine else "✘ ") + result.message]
    if seal is not None:
        lines += [
            tr("NIU: {niu}", niu=seal.niu),
            tr("Document: {kind}, copy no. {n}, issued {at}", kind=seal.kind,
               n=seal.copy_number, at=seal.issued_at.strftime("%Y-%m-%d %H:%M UTC")),
            tr("Certificate no.: {number}", number=seal.register_number),
            tr("Names certified: {names}", names=" / ".join(seal.names)),
        ]
        if not result.text_checked and result.genuine:
            lines.append(tr("Compare these names with the paper: only a PDF can be compared "
                            "automatically"))
    emit(args, result.as_dict(), "\n".join(lines))
    return 0 if result.genuine else 1
