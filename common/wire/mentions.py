"""The body of a ``MENTION_OUT`` container: marginal mentions for acts held elsewhere.

When an act validated in centre A links an act held by centre B (a death on a
birth act registered in B…), A's outbox holds a *routed mention*; the
transmitter sends it to the SCEC in a ``MENTION_OUT`` container, the SCEC
stores it and (issue 15) delivers it to B.  A mention held on one of the
centre's own acts travels with its act instead (the act is re-sent in an
``ACT_BATCH`` with its mentions, oldest first).

Body: the canonical JSON (sorted keys, no whitespace, UTF-8) of a list of
mention objects with exactly the keys of ``MENTION_KEYS``.  A mention is named
in receipts by ``mention_id``: ``m:`` + the first 32 hex digits of the SHA-256
of its canonical JSON, which both sides compute, so the same mention sent twice
(a re-send, a restore) is recognised and never applied twice.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from common.acts.actjson import canonical_json
from common.wire.errors import ContainerRefused

MAX_MENTIONS = 10_000
MENTION_KEYS = frozenset({"niu", "kind", "source_niu", "event_date", "text",
                          "court_decision_date", "court_reference", "origin_centre"})
_NIU = re.compile(r"^[0-9]{19}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_KIND = re.compile(r"^[a-z_]{1,32}$")
_CENTRE = re.compile(r"^[0-9]{6}$")
MAX_TEXT = 2000


def mention_id(mention: Mapping[str, Any]) -> str:
    return "m:" + hashlib.sha256(canonical_json(dict(mention))).hexdigest()[:32]


def encode_mentions(mentions: Sequence[Mapping[str, Any]]) -> bytes:
    for mention in mentions:
        _check(mention, ValueError)
    return canonical_json([dict(m) for m in mentions])


def decode_mentions(body: bytes) -> list[dict[str, Any]]:
    """Strict: only ``ContainerRefused('bad_payload')`` escapes on bad input."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ContainerRefused("bad_payload", "mentions are not JSON") from None
    if not isinstance(value, list) or len(value) > MAX_MENTIONS:
        raise ContainerRefused("bad_payload", "mentions are not a list")
    for mention in value:
        _check(mention, None)
    if canonical_json(value) != body:
        raise ContainerRefused("bad_payload", "mentions are not canonical JSON")
    return value


def _check(mention: Any, error: type[ValueError] | None) -> None:
    def fail(detail: str) -> Exception:
        return error(detail) if error else ContainerRefused("bad_payload", detail)

    if not isinstance(mention, Mapping) or set(mention) != MENTION_KEYS:
        raise fail("a mention must have exactly the keys " + ", ".join(sorted(MENTION_KEYS)))
    if not isinstance(mention["niu"], str) or not _NIU.match(mention["niu"]):
        raise fail("mention niu")
    if not isinstance(mention["kind"], str) or not _KIND.match(mention["kind"]):
        raise fail("mention kind")
    if not isinstance(mention["origin_centre"], str) or not _CENTRE.match(
            mention["origin_centre"]):
        raise fail("mention origin_centre")
    source = mention["source_niu"]
    if source is not None and (not isinstance(source, str) or not _NIU.match(source)):
        raise fail("mention source_niu")
    for key in ("event_date", "court_decision_date"):
        value = mention[key]
        if value is not None and (not isinstance(value, str) or not _DATE.match(value)):
            raise fail(f"mention {key}")
    for key in ("text", "court_reference"):
        value = mention[key]
        if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
            raise fail(f"mention {key}")
