"""Standard CMS (RFC 5652) for sealed containers, built from asn1crypto + cryptography.

``cryptography`` cannot make an ECDH key-agreement recipient (RFC 5753) nor a
signer identified by subject key identifier, so the two structures are built
here by hand, exactly as the RFCs define them, so that ``openssl cms`` reads them:

* ``sign``: ContentInfo(SignedData v3) — eContentType id-data, one SignerInfo v3
  with ``sid`` = subjectKeyIdentifier, SHA-256, ecdsa-with-SHA256, no signed
  attributes (the content carries its own time and id), no certificates.  The
  SHA-256 and ecdsa-with-SHA256 AlgorithmIdentifiers have absent parameters, as
  RFC 5754 §2 and RFC 5758 §3.2 require of writers (not NULL).
* ``envelope``: ContentInfo(EnvelopedData v2) — one KeyAgreeRecipientInfo v3:
  originatorKey = an ephemeral P-256 key (compressed point), keyEncryptionAlgorithm
  dhSinglePass-stdDH-sha256kdf-scheme with id-aes128-wrap, rid = rKeyId (the
  recipient's subject key identifier); content AES-128-CBC.  The plaintext is the
  DER of the signed ContentInfo (contentType id-data), which is what
  ``openssl cms -sign | openssl cms -encrypt`` produces too.

Why AES-128 and not AES-256: the content key is only as safe as the ECDH key
agreement on P-256 that protects it, about 128 bits of security; NIST SP 800-57
Part 1 pairs P-256 with AES-128.  AES-256 would add 16 bytes to the wrapped key
(RFC 3394: 40 bytes instead of 24) and no strength.

Key identifiers are whatever the certificates carry: ECR's are RFC 5280 method 2
(8 bytes, ``common.pki.identifiers.subject_key_identifier``); older 20-byte ones still work.

Reading accepts what OpenSSL writes as well: BER indefinite lengths, signed
attributes, issuerAndSerialNumber identifiers, uncompressed points, AES-192/256
(ECR wrote AES-256 before), NULL or absent digest and signature parameters,
SHA-1/256/384/512 key derivation.  Everything that goes wrong while reading raises
``ContainerRefused``.  Sans-IO: bytes in, bytes out.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from asn1crypto import algos, cms, core, keys
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.ciphers.algorithms import AES
from cryptography.hazmat.primitives.kdf.x963kdf import X963KDF
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from common.wire.errors import ContainerRefused

#: Errors asn1crypto (lazy parser) may raise on malformed input; they all mean bad DER.
ASN1_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError)

# RFC 5753 / SEC 1 key agreement schemes, by the hash of their KDF.
_KARI_SCHEMES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    # OpenSSL's default (dhSinglePass-stdDH-sha1kdf-scheme): accepted for interop,
    # SHA-1's collision weakness does not apply to its use in a KDF.  Never written.
    "1.3.133.16.840.63.0.2": hashes.SHA1,
    "1.3.132.1.11.1": hashes.SHA256,  # dhSinglePass-stdDH-sha256kdf-scheme
    "1.3.132.1.11.2": hashes.SHA384,
    "1.3.132.1.11.3": hashes.SHA512,
    "1.3.132.1.14.1": hashes.SHA256,  # cofactor variants: identical for P-256 (cofactor 1)
    "1.3.132.1.14.2": hashes.SHA384,
    "1.3.132.1.14.3": hashes.SHA512,
}
_SCHEME_SHA256 = "1.3.132.1.11.1"
_WRAP_KEY_BYTES = {"aes128_wrap": 16, "aes192_wrap": 24, "aes256_wrap": 32}
_CBC_KEY_BYTES = {"aes128_cbc": 16, "aes192_cbc": 24, "aes256_cbc": 32}
_DIGESTS: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
_ECDSA_SIGNATURES = {"sha256_ecdsa", "sha384_ecdsa", "sha512_ecdsa", "ecdsa", "ec"}


class _WrapAlgorithm(core.Sequence):  # type: ignore[misc]
    _fields = [  # noqa: RUF012 (asn1crypto's declaration style)
        ("algorithm", cms.KeyEncryptionAlgorithmId),
        ("parameters", core.Any, {"optional": True}),
    ]


class _EccCmsSharedInfo(core.Sequence):  # type: ignore[misc]
    """RFC 5753 §7.2 ECC-CMS-SharedInfo: the KDF's SharedInfo."""

    _fields = [  # noqa: RUF012 (asn1crypto's declaration style)
        ("key_info", _WrapAlgorithm),
        ("entity_u_info", core.OctetString, {"explicit": 0, "optional": True}),
        ("supp_pub_info", core.OctetString, {"explicit": 2}),
    ]


def _kek(shared_secret: bytes, wrap_der: bytes, key_bytes: int, ukm: bytes | None,
         digest: Callable[[], hashes.HashAlgorithm]) -> bytes:
    info = _EccCmsSharedInfo({
        "key_info": _WrapAlgorithm.load(wrap_der),
        "entity_u_info": ukm,
        "supp_pub_info": (key_bytes * 8).to_bytes(4, "big"),
    })
    return X963KDF(algorithm=digest(), length=key_bytes,
                   sharedinfo=bytes(info.dump())).derive(shared_secret)


#: AlgorithmIdentifiers as ECR writes them: parameters absent (RFC 5754 §2, RFC 5758 §3.2).
#: asn1crypto would add NULL to SHA-2 digest identifiers unless told ``None``.
_SHA256 = {"algorithm": "sha256", "parameters": None}
_ECDSA_SHA256 = {"algorithm": "sha256_ecdsa"}
_WRAP = "aes128_wrap"
_CBC = "aes128_cbc"


# ---------------------------------------------------------------- writing


def sign(content: bytes, key: ec.EllipticCurvePrivateKey, signer_ski: bytes) -> bytes:
    """ContentInfo(SignedData) over ``content``, signer referred to by its key identifier."""
    signature = key.sign(content, ec.ECDSA(hashes.SHA256()))
    signed = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [algos.DigestAlgorithm(_SHA256)],
        "encap_content_info": {"content_type": "data", "content": content},
        "signer_infos": [{
            "version": "v3",
            "sid": cms.SignerIdentifier({"subject_key_identifier": signer_ski}),
            "digest_algorithm": algos.DigestAlgorithm(_SHA256),
            "signature_algorithm": algos.SignedDigestAlgorithm(_ECDSA_SHA256),
            "signature": signature,
        }],
    })
    return bytes(cms.ContentInfo({"content_type": "signed_data", "content": signed}).dump())


def envelope(content: bytes, recipient: ec.EllipticCurvePublicKey, recipient_ski: bytes) -> bytes:
    """ContentInfo(EnvelopedData) of ``content`` for one P-256 recipient (ECDH ephemeral-static)."""
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    shared = ephemeral.exchange(ec.ECDH(), recipient)
    wrap = _WrapAlgorithm({"algorithm": _WRAP})  # parameters absent (RFC 3565 §2.3.2)
    kek = _kek(shared, wrap.dump(), _WRAP_KEY_BYTES[_WRAP], None, hashes.SHA256)
    cek, iv = os.urandom(_CBC_KEY_BYTES[_CBC]), os.urandom(16)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(content) + padder.finalize()
    encryptor = Cipher(AES(cek), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    point = ephemeral.public_key().public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
    kari = cms.KeyAgreeRecipientInfo({
        "version": "v3",
        "originator": cms.OriginatorIdentifierOrKey({
            "originator_key": keys.PublicKeyInfo({
                "algorithm": keys.PublicKeyAlgorithm({"algorithm": "ec"}),
                "public_key": point,
            }),
        }),
        "key_encryption_algorithm": cms.KeyEncryptionAlgorithm({
            "algorithm": _SCHEME_SHA256, "parameters": wrap}),
        "recipient_encrypted_keys": [{
            "rid": cms.KeyAgreementRecipientIdentifier({
                # a dict, not cms.RecipientKeyIdentifier: asn1crypto defines that name
                # twice and the later class (S/MIME's) has other field names
                "r_key_id": {"subject_key_identifier": recipient_ski},
            }),
            "encrypted_key": aes_key_wrap(kek, cek),
        }],
    })
    enveloped = cms.EnvelopedData({
        "version": "v2",
        "recipient_infos": [cms.RecipientInfo({"kari": kari})],
        "encrypted_content_info": {
            "content_type": "data",
            "content_encryption_algorithm": {"algorithm": _CBC, "parameters": iv},
            "encrypted_content": ciphertext,
        },
    })
    return bytes(cms.ContentInfo({"content_type": "enveloped_data", "content": enveloped}).dump())


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class RecipientKey:
    """A private key able to open envelopes, and how senders may name it."""

    key: ec.EllipticCurvePrivateKey
    key_identifier: bytes
    issuer_der: bytes | None = None  # the certificate's issuer Name (DER)
    serial: int | None = None


def _load_content_info(data: bytes, expected: str) -> cms.ContentInfo:
    try:
        info = cms.ContentInfo.load(data, strict=True)
        content_type = info["content_type"].native
    except ASN1_ERRORS as exc:
        raise ContainerRefused("bad_der", type(exc).__name__) from None
    if content_type != expected:
        raise ContainerRefused("unsupported", f"content type {content_type} (expected {expected})")
    return info


def _matches(rid: cms.KeyAgreementRecipientIdentifier, recipient: RecipientKey) -> bool:
    if rid.name == "r_key_id":
        return bool(rid.chosen["subject_key_identifier"].native == recipient.key_identifier)
    if recipient.issuer_der is None or recipient.serial is None:
        return False
    chosen = rid.chosen
    return bool(chosen["issuer"].dump() == recipient.issuer_der
                and chosen["serial_number"].native == recipient.serial)


def recipient_key_identifiers(data: bytes) -> tuple[bytes, ...]:
    """The subject key identifiers an EnvelopedData is addressed to (nothing is decrypted).

    A sender uses it to tell, among containers it sealed earlier, which ones a
    recipient's current key can open.  Damaged data names no recipient.
    """
    try:
        info = _load_content_info(data, "enveloped_data")
        return tuple(
            rek["rid"].chosen["subject_key_identifier"].native
            for recipient_info in info["content"]["recipient_infos"]
            if recipient_info.name == "kari"
            for rek in recipient_info.chosen["recipient_encrypted_keys"]
            if rek["rid"].name == "r_key_id")
    except (ContainerRefused, *ASN1_ERRORS):
        return ()


def open_envelope(data: bytes, recipient: RecipientKey) -> bytes:
    """Decrypt an EnvelopedData addressed to ``recipient``; return the plaintext content."""
    info = _load_content_info(data, "enveloped_data")
    try:
        enveloped = info["content"]
        if enveloped["originator_info"].native is not None:
            pass  # certificates an originator may attach are not needed: ignored
        found = None
        for recipient_info in enveloped["recipient_infos"]:
            if recipient_info.name != "kari":
                continue
            kari = recipient_info.chosen
            for rek in kari["recipient_encrypted_keys"]:
                if _matches(rek["rid"], recipient):
                    found = (kari, rek["encrypted_key"].native)
        encrypted = enveloped["encrypted_content_info"]
        algorithm = encrypted["content_encryption_algorithm"]
        cipher_name = algorithm["algorithm"].native
        iv = algorithm["parameters"].native if cipher_name in _CBC_KEY_BYTES else None
        ciphertext = encrypted["encrypted_content"].native
    except ASN1_ERRORS as exc:
        raise ContainerRefused("bad_der", type(exc).__name__) from None
    if found is None:
        raise ContainerRefused("wrong_recipient")
    if cipher_name not in _CBC_KEY_BYTES:
        raise ContainerRefused("unsupported", f"content encryption {cipher_name}")
    if not isinstance(iv, bytes) or len(iv) != 16 or not isinstance(ciphertext, bytes):
        raise ContainerRefused("bad_der", "content encryption parameters")
    kari, encrypted_key = found
    cek = _unwrap_key(kari, encrypted_key, recipient)
    if len(cek) != _CBC_KEY_BYTES[cipher_name]:
        raise ContainerRefused("undecryptable")
    if not ciphertext or len(ciphertext) % 16:
        raise ContainerRefused("undecryptable")
    decryptor = Cipher(AES(cek), modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    try:
        return unpadder.update(padded) + unpadder.finalize()
    except ValueError:
        # Same reason as any other decryption failure: a distinct answer for bad
        # padding would be a padding oracle.
        raise ContainerRefused("undecryptable") from None


def _unwrap_key(kari: cms.KeyAgreeRecipientInfo, encrypted_key: bytes,
                recipient: RecipientKey) -> bytes:
    try:
        scheme = kari["key_encryption_algorithm"]["algorithm"].dotted
        wrap_any = kari["key_encryption_algorithm"]["parameters"]
        wrap_der = wrap_any.dump()
        wrap_name = _WrapAlgorithm.load(wrap_der)["algorithm"].native
        originator = kari["originator"]
        if originator.name != "originator_key":
            raise ContainerRefused("unsupported", "originator must be an ephemeral key")
        point = originator.chosen["public_key"].native
        ukm = kari["ukm"].native
    except ASN1_ERRORS as exc:
        raise ContainerRefused("bad_der", type(exc).__name__) from None
    if scheme not in _KARI_SCHEMES:
        raise ContainerRefused("unsupported", f"key agreement {scheme}")
    if wrap_name not in _WRAP_KEY_BYTES:
        raise ContainerRefused("unsupported", f"key wrap {wrap_name}")
    if not isinstance(point, bytes):
        raise ContainerRefused("bad_der", "originator key")
    try:
        ephemeral = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        shared = recipient.key.exchange(ec.ECDH(), ephemeral)
    except ValueError:
        raise ContainerRefused("undecryptable", "originator key is not a P-256 point") from None
    key_bytes = _WRAP_KEY_BYTES[wrap_name]
    kek = _kek(shared, wrap_der, key_bytes, ukm, _KARI_SCHEMES[scheme])
    try:
        return aes_key_unwrap(kek, encrypted_key)
    except (InvalidUnwrap, ValueError):
        raise ContainerRefused("undecryptable") from None


@dataclass(frozen=True)
class SignedContent:
    """A parsed SignedData whose signature is still to be checked against a certificate."""

    content: bytes
    signer_key_identifier: bytes | None
    signer_issuer_der: bytes | None
    signer_serial: int | None
    _signed_bytes: bytes
    _signature: bytes
    _digest: str

    def verify(self, public_key: ec.EllipticCurvePublicKey) -> None:
        """Raise ``ContainerRefused('bad_signature')`` unless ``public_key`` made the signature."""
        try:
            public_key.verify(self._signature, self._signed_bytes,
                              ec.ECDSA(_DIGESTS[self._digest]()))
        except (InvalidSignature, ValueError):
            raise ContainerRefused("bad_signature") from None


def read_signed(data: bytes) -> SignedContent:
    """Parse a ContentInfo(SignedData) with exactly one ECDSA signer and attached content."""
    info = _load_content_info(data, "signed_data")
    try:
        signed = info["content"]
        encap = signed["encap_content_info"]
        content_type = encap["content_type"].native
        content = encap["content"].native
        signers = list(signed["signer_infos"])
        if len(signers) != 1:
            raise ContainerRefused("unsupported", "exactly one signer is required")
        signer = signers[0]
        sid = signer["sid"]
        ski = issuer = serial = None
        if sid.name == "subject_key_identifier":
            ski = sid.chosen.native
        else:
            issuer = sid.chosen["issuer"].dump()
            serial = sid.chosen["serial_number"].native
        digest = signer["digest_algorithm"]["algorithm"].native
        signature_algorithm = signer["signature_algorithm"]["algorithm"].native
        signature = signer["signature"].native
        attrs = signer["signed_attrs"]
        signed_bytes = content
        if attrs.native is not None:
            signed_bytes = b"\x31" + attrs.dump()[1:]  # signed as a SET OF, not [0] IMPLICIT
            attr_values = {a["type"].native: a["values"] for a in attrs}
            message_digest = attr_values.get("message_digest")
            claimed_type = attr_values.get("content_type")
            digest_value = message_digest[0].native if message_digest else None
            claimed_type_value = claimed_type[0].native if claimed_type else None
    except ASN1_ERRORS as exc:
        raise ContainerRefused("bad_der", type(exc).__name__) from None
    if content_type != "data" or not isinstance(content, bytes):
        raise ContainerRefused("unsupported", "the signed content must be attached id-data")
    if digest not in _DIGESTS or signature_algorithm not in _ECDSA_SIGNATURES:
        raise ContainerRefused("unsupported", f"signature {signature_algorithm}/{digest}")
    if not isinstance(signature, bytes) or not isinstance(signed_bytes, bytes):
        raise ContainerRefused("bad_der", "signature")
    if signed_bytes is not content:
        if claimed_type_value != "data" or not isinstance(digest_value, bytes):
            raise ContainerRefused("bad_signature", "signed attributes incomplete")
        if digest_value != hashlib.new(digest, content).digest():
            raise ContainerRefused("bad_signature", "message digest differs")
    return SignedContent(content, ski, issuer, serial, signed_bytes, signature, digest)
