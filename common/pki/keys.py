"""Private keys at rest: P-256 keys in encrypted PKCS#8 files.

Why encrypted: a copied disk image, a backup or a stolen USB stick should not
give away a signing key.  That holds only while the passphrase is not stored
beside the key, which is the honest limit of the *machine secret* used by
default on a centre (see ``docs/pki.md``, "Key storage"): the secret file is
readable only by the account that runs ECR (mode 0600 in a 0700 folder), so it
protects against other local users and careless copies of the keys folder, not
against someone who copies the whole home folder.  Setting
``ECR_KEY_PASSPHRASE`` (centre) or ``XMSERVER_KEY_PASSPHRASE`` (SCEC) keeps the
passphrase off the disk entirely.

This module never logs or prints a key or a passphrase.
"""

from __future__ import annotations

import base64
import os
import secrets
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from common.i18n import translator
from common.pki.errors import PkiError

tr = translator("pki")

CURVE = ec.SECP256R1
CENTRE_PASSPHRASE_ENV = "ECR_KEY_PASSPHRASE"  # noqa: S105 (a variable name)
MACHINE_SECRET_FILE = "machine.secret"  # noqa: S105 (a file name)


def generate_key() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 private key (the only curve ECR uses: small signatures, RFC 5753)."""
    return ec.generate_private_key(CURVE())


def write_file_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_private_key(path: Path, key: ec.EllipticCurvePrivateKey, passphrase: bytes) -> None:
    """Store ``key`` as PKCS#8 PEM encrypted with the best scheme ``cryptography`` offers."""
    if not passphrase:
        raise PkiError("passphrase_required", tr("A passphrase is required to store a private key"))
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    write_file_atomically(path, pem, 0o600)


def read_private_key(path: Path, passphrase: bytes) -> ec.EllipticCurvePrivateKey:
    """Load an encrypted P-256 key; a wrong passphrase or a missing file is a clear refusal."""
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        raise PkiError("key_missing", tr("No private key at {path}", path=str(path))) from None
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except (ValueError, TypeError):
        raise PkiError(
            "key_passphrase_wrong",
            tr("The private key {path} cannot be opened: wrong passphrase or damaged file",
               path=str(path)),
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, CURVE):
        raise PkiError("key_wrong_type", tr("The key {path} is not a P-256 key", path=str(path)))
    return key


def centre_passphrase(keys_dir: Path) -> bytes:
    """The passphrase protecting a centre's key at rest.

    ``ECR_KEY_PASSPHRASE`` when set (then nothing is written to disk); otherwise
    the machine secret ``keys_dir/machine.secret``, created on first use with 256
    random bits, mode 0600.
    """
    from_env = os.environ.get(CENTRE_PASSPHRASE_ENV)
    if from_env:
        return from_env.encode("utf-8")
    secret_path = keys_dir / MACHINE_SECRET_FILE
    if secret_path.exists():
        value = secret_path.read_bytes().strip()
        if not value:
            raise PkiError("key_passphrase_wrong",
                           tr("The machine secret {path} is empty", path=str(secret_path)))
        return value
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    value = base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=")
    write_file_atomically(secret_path, value + b"\n", 0o600)
    return value
