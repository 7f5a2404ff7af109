"""``ecr verify``: is a printed copy genuine and unchanged?  Offline, with the CA certificate.

    ecr verify copie.pdf                  the PDF of a copy: code checked, every page compared
    ecr verify scan.png                   a scan or photo of the paper: the code only
    ecr verify 'ECR2:…'                   the text a QR reader app decoded: the code only
    ecr verify copie.pdf --ca ca.pem --crl revocations.crl

The country's CA certificates come from ``--ca`` (PEM), else from the centre's
keys folder; the latest revocation list from ``--crl``, else the centre's copy
when there is one.  The output lists every value the code certifies.

Exit code 0 when the copy is genuine (a PDF whose every page matches what its
code certifies); 3 when only the code could be checked (a scan, a photo, the
decoded text, a PDF without its template, an ``ECR1:`` code): the code is
genuine but a person must compare the values listed with the paper; 1 when the
code or the copy is refused (the reason is said).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.errors import UserError
from common.i18n import translator
from ecr_tk.cli import emit

if TYPE_CHECKING:  # imported where used: ``ecr --help`` imports no cryptography
    from cryptography import x509

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
    from cryptography import x509

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
    from cryptography import x509

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


#: Exit code when only the code was checked: the paper is for a person to compare.
EXIT_VALUES_ONLY = 3


def verify(args: argparse.Namespace) -> int:
    from printdesigner.verification import verify_printed

    result = verify_printed(args.copy, load_ca(args), load_crl(args))
    mark = "✔ " if result.genuine else "⚠ " if result.scope == "values" else "✘ "
    if result.differences:
        lines = [mark + tr("The copy differs from what its code certifies:")]
        lines += [f"  – {difference}" for difference in result.differences]
    else:
        lines = [mark + result.message]
    if result.facts:
        lines.append(tr("What the code certifies:") if result.scope != "document"
                     else tr("What the code certifies, and every page shows:"))
        width = max(len(label) for label, _ in result.facts)
        lines += [f"  {label.ljust(width)}  {value}" for label, value in result.facts]
    emit(args, result.as_dict(), "\n".join(lines))
    if result.genuine:
        return 0
    return EXIT_VALUES_ONLY if result.scope == "values" else 1
