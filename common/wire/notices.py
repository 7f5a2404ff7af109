"""The body of a ``NOTICE`` container: what the SCEC tells a centre about its acts.

Two things happen at the SCEC that a centre must learn, although nothing
changes in its own register (issue 15):

* ``possible_duplicate``: an act of this centre and an act of another centre
  look like the registration of the same event for the same person (the
  national duplicate review).  Both centres are told, each about its own act
  (``niu``) and the other one (``other_niu``, ``other_centre``); ``reference``
  is the SCEC's review item (``d:<id>``), ``detail`` the event type.
* ``duplicate_resolved``: the SCEC administrator decided on such a pair;
  ``detail`` is the decision (``same_event`` or ``different_events``).
* ``mention_applied``: a mention this centre sent for an act held by another
  centre was written on that act by the holding centre (its re-sent act carries
  it).  ``niu`` is the act the mention was written on, ``other_niu`` the act of
  this centre it comes from, ``other_centre`` the holding centre, ``reference``
  the mention id (``m:…``, as in the sender's outbox), ``detail`` the mention kind.

Body: the canonical JSON (sorted keys, no whitespace, UTF-8) of a list of
notice objects with exactly the keys of ``NOTICE_KEYS``.  A notice is named by
``(kind, reference, niu)``: the same notice twice (a re-send, the next T2D
round) is recorded once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from common.acts.actjson import canonical_json
from common.wire.errors import ContainerRefused

MAX_NOTICES = 10_000
NOTICE_KEYS = frozenset({"kind", "niu", "other_niu", "other_centre", "reference", "detail"})
NOTICE_KINDS = frozenset({"possible_duplicate", "duplicate_resolved", "mention_applied"})
_NIU = re.compile(r"^[0-9]{19}$")
_CENTRE = re.compile(r"^[0-9]{6}$")
_REFERENCE = {"possible_duplicate": re.compile(r"^d:[0-9]{1,18}$"),
              "duplicate_resolved": re.compile(r"^d:[0-9]{1,18}$"),
              "mention_applied": re.compile(r"^m:[0-9a-f]{32}$")}
_DETAIL = re.compile(r"^[a-z_]{1,32}$")


def encode_notices(notices: Sequence[Mapping[str, Any]]) -> bytes:
    for notice in notices:
        _check(notice, ValueError)
    return canonical_json([dict(n) for n in notices])


def decode_notices(body: bytes) -> list[dict[str, Any]]:
    """Strict: only ``ContainerRefused('bad_payload')`` escapes on bad input."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ContainerRefused("bad_payload", "notices are not JSON") from None
    if not isinstance(value, list) or len(value) > MAX_NOTICES:
        raise ContainerRefused("bad_payload", "notices are not a list")
    for notice in value:
        _check(notice, None)
    if canonical_json(value) != body:
        raise ContainerRefused("bad_payload", "notices are not canonical JSON")
    return value


def _check(notice: Any, error: type[ValueError] | None) -> None:
    def fail(detail: str) -> Exception:
        return error(detail) if error else ContainerRefused("bad_payload", detail)

    if not isinstance(notice, Mapping) or set(notice) != NOTICE_KEYS:
        raise fail("a notice must have exactly the keys " + ", ".join(sorted(NOTICE_KEYS)))
    kind = notice["kind"]
    if not isinstance(kind, str) or kind not in NOTICE_KINDS:
        raise fail("notice kind")
    for key in ("niu", "other_niu"):
        if not isinstance(notice[key], str) or not _NIU.match(notice[key]):
            raise fail(f"notice {key}")
    if not isinstance(notice["other_centre"], str) or not _CENTRE.match(notice["other_centre"]):
        raise fail("notice other_centre")
    reference = notice["reference"]
    if not isinstance(reference, str) or not _REFERENCE[kind].match(reference):
        raise fail("notice reference")
    if not isinstance(notice["detail"], str) or not _DETAIL.match(notice["detail"]):
        raise fail("notice detail")
