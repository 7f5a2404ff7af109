"""Enrollment messages: strict parsing of what arrives from a centre or from the SCEC."""

from __future__ import annotations

import pytest

from common.pki.enrollment import (
    EnrollmentRequest,
    EnrollmentResponse,
    new_token,
    normalise_token,
    token_digest,
    tokens_match,
)
from common.pki.errors import PkiError


def test_a_request_round_trips_through_bytes():
    request = EnrollmentRequest("enroll", "123456", b"\x30\x03csr", token="ABCD-EFGH")
    assert EnrollmentRequest.from_bytes(request.to_bytes()) == request
    renewal = EnrollmentRequest("renew", "123456", b"csr", current_serial=0xABC, proof=b"sig")
    assert EnrollmentRequest.from_bytes(renewal.to_bytes()) == renewal


def test_a_response_round_trips_through_bytes():
    issued = EnrollmentResponse("issued", b"cert", (b"ca1", b"ca2"), b"sign", b"enc", b"crl")
    assert EnrollmentResponse.from_bytes(issued.to_bytes()) == issued
    refused = EnrollmentResponse.refused("token_used", "Le jeton a déjà servi")
    assert EnrollmentResponse.from_bytes(refused.to_bytes()) == refused


@pytest.mark.parametrize("data", [
    b"", b"\xff\xfe", b"[]", b'{"v":2}', b'{"v":1,"kind":"enroll"}',
    b'{"v":1,"kind":"steal","centre":"123456","csr":""}',
    b'{"v":1,"kind":"enroll","centre":"123456","csr":"***","token":"x"}',
    b'{"v":1,"kind":"renew","centre":"123456","csr":"","serial":"zz","proof":""}',
    b"[" * 100_000, b"x" * 70_000,
])
def test_a_malformed_request_is_refused_with_a_reason(data):
    with pytest.raises(PkiError) as err:
        EnrollmentRequest.from_bytes(data)
    assert err.value.rule == "enrollment_message_invalid"


def test_tokens_are_readable_and_compared_by_digest():
    token = new_token()
    assert len(token) == 24 and token.count("-") == 4
    assert not set(normalise_token(token)) & set("01IO")
    assert tokens_match(token.lower().replace("-", " "), token_digest(token))
    assert not tokens_match(new_token(), token_digest(token))
