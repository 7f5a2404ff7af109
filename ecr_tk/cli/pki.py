"""``ecr enroll``: get, renew and inspect the centre's certificate.

Online (MQTT request/response with the SCEC)::

    ecr enroll --token K7QD-…            first enrollment with the one-time token
    ecr enroll --renew                   renewal, signed with the current key

Offline (files on removable media)::

    ecr enroll --token K7QD-… --request-out /media/usb/enroll-123456.req
    # at the SCEC: xmserver centre enroll-offline enroll-123456.req --out enroll-123456.resp
    ecr enroll --response-in /media/usb/enroll-123456.resp

    ecr enroll --status                  the certificate's serial, expiry, renewal due

The key and request were made by ``ecr init`` (``common.pki.centre.create_centre_key``)
in the home's ``keys`` folder (or ``--keys-dir``).
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
    from common.pki.enrollment import EnrollmentRequest, EnrollmentResponse

tr = translator("pki")

BROKER_ENV = "ECR_BROKER"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("enroll", help=tr("get or renew this centre's certificate"))
    p.add_argument("--keys-dir", default=None,
                   help=tr("keys folder (default: the home's keys folder)"))
    p.add_argument("--token", default=None, help=tr("one-time enrollment token from the SCEC"))
    p.add_argument("--renew", action="store_true",
                   help=tr("renew the current certificate with a new key"))
    p.add_argument("--request-out", default=None, metavar="FILE",
                   help=tr("write the request to a file instead of sending it (offline)"))
    p.add_argument("--response-in", default=None, metavar="FILE",
                   help=tr("install the SCEC's response file (offline)"))
    p.add_argument("--status", action="store_true", help=tr("show the certificate's state"))
    p.add_argument("--broker", default=None,
                   help=tr("MQTT broker HOST:PORT (default: $ECR_BROKER or 127.0.0.1:1883)"))
    p.add_argument("--topic-root", default="ecr", help=tr("MQTT topic root"))
    p.add_argument("--timeout", type=float, default=60.0, help=tr("seconds to wait for the SCEC"))
    p.set_defaults(handler=enroll)


def _keys_dir(args: argparse.Namespace) -> Path:
    if args.keys_dir:
        return Path(args.keys_dir)
    from ecr_tk.home import CentreHome

    return CentreHome.open(args.home).folder("keys")


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserError(tr("Cannot read {path}: {error}", path=path, error=exc.strerror),
                        field="response_in", rule="unreadable") from None


def _installed(args: argparse.Namespace, keys_dir: Path, response: EnrollmentResponse) -> int:
    from common.pki import centre as centre_pki

    cert = centre_pki.install_response(keys_dir, response)
    payload = {"status": "enrolled", "serial": format(cert.serial_number, "x"),
               "expires": cert.not_valid_after_utc.isoformat()}
    emit(args, payload, tr("Certificate installed (serial {serial}, valid until {date})",
                           serial=payload["serial"], date=payload["expires"]))
    return 0


def enroll(args: argparse.Namespace) -> int:
    from common.pki import centre as centre_pki
    from common.pki.enrollment import EnrollmentResponse
    from common.pki.keys import write_file_atomically

    keys_dir = _keys_dir(args)
    if args.status:
        return _status(args, keys_dir)
    if args.response_in:
        return _installed(args, keys_dir, EnrollmentResponse.from_bytes(_read(args.response_in)))
    request: EnrollmentRequest
    if args.renew:
        request = centre_pki.renewal_request(keys_dir)
    elif args.token:
        request = centre_pki.enrollment_request(keys_dir, args.token)
    else:
        raise UserError(tr("Give --token (first enrollment), --renew, --response-in or --status"),
                        field="token", rule="required")
    if args.request_out:
        write_file_atomically(Path(args.request_out), request.to_bytes())
        emit(args, {"status": "request_written", "file": args.request_out},
             tr("Request written to {path}: take it to the SCEC", path=args.request_out))
        return 0
    from common.transport.mqtt import BrokerAddress, enroll_request_topic
    from common.transport.mqtt import request as mqtt_request

    broker = BrokerAddress.parse(args.broker or os.environ.get(BROKER_ENV) or "127.0.0.1:1883")
    answer = mqtt_request(broker, enroll_request_topic(args.topic_root, request.centre_code),
                          request.to_bytes(), timeout=args.timeout)
    return _installed(args, keys_dir, EnrollmentResponse.from_bytes(answer))


def _status(args: argparse.Namespace, keys_dir: Path) -> int:
    from common.pki import centre as centre_pki

    identity = centre_pki.load_centre_identity(keys_dir)
    cert = identity.certificate
    from common.pki.verify import check_certificate

    verdict = check_certificate(cert, identity.ca_certificates, identity.revocation_list)
    payload = {
        "centre": identity.centre_code, "serial": format(cert.serial_number, "x"),
        "expires": cert.not_valid_after_utc.isoformat(),
        "renewal_due": centre_pki.renewal_due(cert),
        "valid": verdict.ok, "reason": verdict.reason,
    }
    emit(args, payload)
    return 0
