"""What a copy's QR code certifies: every value the copy prints, compactly.

A printed copy is a template filled with values.  The code carries the values
(``CertifiedCopy``): the part of the act's data that the document's template
prints, and nothing else (an extract without filiation does not carry the
parents); the act's registration (NIU, register number, date); the copy's issue
(document, copy number, time, officer, requester, receipt, fee, the centre's
names, the mentions' texts) when the template prints them; and the digest of the
template and the printer offset that laid them out.  From these anyone with
ECR recomputes every printed text: they are shown for a person to compare with
the paper (``facts``), or the copy is re-rendered and compared with a PDF's
pages (``visual.py``).  Nothing the paper shows is left outside the signature.

The act's data travel in the SCEC containers' canonical encoding
(``common.wire.acts_codec``, compressed with the shared dictionary): 100–200
bytes for a full copy.  The issuer prints what it decodes back from the bytes it
signs (``documents.render_copy``), so the paper and its code cannot disagree.

This module never reads a database or a file, and signs nothing (``qr.py`` does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from common.acts.actjson import ActRecord
from common.acts.dictionary import EVENTS
from common.acts.model import Field, Group, split_path
from common.i18n import translator, visible
from common.wire.acts_codec import decode_acts, encode_acts
from common.wire.binary import Reader, Writer
from common.wire.compression import CURRENT_DICTIONARY, compress, decompress, vocabulary
from common.wire.errors import ContainerRefused
from printdesigner.binding import field_info
from printdesigner.formats import format_value
from printdesigner.model import ComputedField, DataField, Paragraph, Template
from printdesigner.placeholders import Placeholder, parse_placeholders
from printdesigner.render import NO_CALIBRATION, Calibration
from printdesigner.schema import template_from_json, template_to_json

tr = translator("print")

#: The dictionaries a printed copy may be written with (every program that verifies
#: copies reads them all): the smaller result is printed.
PRINTED_DICTIONARIES = tuple(dict.fromkeys((CURRENT_DICTIONARY, 3)))

MAGIC = b"E\x02"
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
KIND_CODES = {"full": 1, "extract": 2, "extract_filiation": 3, "receipt": 4,
              "register_page": 5, "other": 6}
KIND_NAMES = {v: k for k, v in KIND_CODES.items()}
DIGEST_BYTES = 16
_MAX_TEXT = 1000
_MAX_MENTIONS = 200
_MAX_VALUES_BYTES = 64 * 1024


@dataclass(frozen=True)
class CentreInfo:
    """Who issues the copy: shown in the header and the certification sentence."""

    code: str = ""
    name: str = ""
    area: str = ""
    locality: str = ""
    country_name: str = ""


@dataclass(frozen=True)
class Header:
    """The start of an ``ECR2:`` code's content, read without decompressing its values."""

    kind: str
    copy_number: int
    issued_at: dt.datetime
    template_digest: bytes
    calibration: Calibration
    dictionary: int
    raw_length: int
    compressed: bytes

    @classmethod
    def read(cls, data: bytes) -> tuple[Header, int]:
        """The header at the start of ``data`` and the offset after the content.

        ``ContainerRefused`` if it is not one."""
        r = Reader(data, "bad_payload")
        if r.raw(2) != MAGIC:
            raise r.fail("not an ECR2 code")
        header = cls(kind=_kind(r, r.byte()), copy_number=r.uint(65535),
                     issued_at=EPOCH + dt.timedelta(minutes=r.uint(2**32)),
                     template_digest=r.raw(DIGEST_BYTES),
                     calibration=Calibration(r.sint(5000) / 100, r.sint(5000) / 100),
                     dictionary=r.uint(255), raw_length=r.uint(_MAX_VALUES_BYTES),
                     compressed=r.blob(_MAX_VALUES_BYTES))
        return header, len(data) - r.remaining


@dataclass(frozen=True)
class CertifiedCopy:
    """Everything a copy prints, as its QR code carries it (see the module's docstring).

    ``act`` holds only the data the template prints; ``mentions`` the margin's
    texts as printed; ``template_digest`` names the template exactly
    (``template_digest``).  The centre code is not here: the certificate that
    signs the code gives it.
    """

    kind: str
    copy_number: int
    issued_at: dt.datetime
    act: ActRecord
    template_digest: bytes
    calibration: Calibration = NO_CALIBRATION
    centre: CentreInfo = field(default_factory=CentreInfo)
    officer: str = ""
    requester: str = ""
    receipt_number: str = ""
    fee: tuple[Decimal, str] | None = None
    paid_for: str | None = None
    mentions: tuple[str, ...] = field(default_factory=tuple)
    #: The name of the centre that holds the act when it is not the issuer (a copy
    #: of an act registered elsewhere, from the SCEC's answer); its code is the
    #: act's ``centre_code``.  Empty for a copy of the issuer's own act.
    holding_centre: str = ""

    # ---------------------------------------------------------------- bytes

    def to_bytes(self) -> bytes:
        """``MAGIC``, the document's header, then the values (compressed), with whichever
        dictionary makes the printed code smaller: v4's adaptive text stream pays for
        learning over a batch, and one act is no batch (v3 makes the densest default
        document's code some 100 characters shorter)."""
        return min((self._bytes(d) for d in PRINTED_DICTIONARIES), key=len)

    def _bytes(self, dictionary: int) -> bytes:
        values = Writer()
        values.blob(encode_acts([self.act], vocabulary(dictionary)))
        for text in (self.officer, self.requester, self.receipt_number, self.centre.name,
                     self.centre.area, self.centre.locality, self.centre.country_name):
            values.text(text)
        values.byte(1 if self.fee is not None else 0)
        if self.fee is not None:
            values.text(str(self.fee[0]))
            values.text(self.fee[1])
        values.byte(KIND_CODES[self.paid_for] if self.paid_for else 0)
        values.uint(len(self.mentions))
        for mention in self.mentions:
            values.text(mention)
        if self.holding_centre:
            # appended, and only for a copy of another centre's act: the codes of
            # a centre's own copies keep the bytes that earlier verifiers read
            values.text(self.holding_centre)
        raw = values.getvalue()
        out = Writer()
        out.raw(MAGIC)
        out.byte(KIND_CODES[self.kind])
        out.uint(self.copy_number)
        out.uint(int((self.issued_at - EPOCH).total_seconds() // 60))
        out.raw(self.template_digest)
        out.sint(round(self.calibration.dx_mm * 100))
        out.sint(round(self.calibration.dy_mm * 100))
        out.uint(dictionary)
        out.uint(len(raw))
        out.blob(compress(raw, dictionary))
        return out.getvalue()

    @classmethod
    def open(cls, header: Header, centre_code: str) -> CertifiedCopy:
        """The values behind ``header`` (decompressed and decoded: call it once the
        signature is checked).  ``ContainerRefused`` for anything malformed, an
        unknown compression dictionary or a data dictionary newer than this program's."""
        v = Reader(decompress(header.compressed, header.dictionary, header.raw_length),
                   "bad_payload")
        acts = decode_acts(v.blob(_MAX_VALUES_BYTES), validate=False,
                           vocabulary=vocabulary(header.dictionary))
        if len(acts) != 1:
            raise v.fail("not one act")
        officer, requester, receipt, name, area, locality, country = (
            v.text(_MAX_TEXT) for _ in range(7))
        fee = None
        if v.byte():
            amount, currency = v.text(40), v.text(40)
            try:
                fee = (Decimal(amount), currency)
            except InvalidOperation:
                raise v.fail("fee is not a number") from None
        paid = v.byte()
        paid_for = _kind(v, paid) if paid else None
        mentions = tuple(v.text(_MAX_TEXT * 8) for _ in range(v.uint(_MAX_MENTIONS)))
        holding = v.text(_MAX_TEXT) if v.remaining else ""
        v.end()
        if holding and (not acts[0].centre_code or acts[0].centre_code == centre_code):
            raise v.fail("a holding centre without another centre's code")
        return cls(header.kind, header.copy_number, header.issued_at, acts[0],
                   header.template_digest, header.calibration,
                   CentreInfo(centre_code, name, area, locality, country), officer, requester,
                   receipt, fee, paid_for, mentions, holding)

    # ---------------------------------------------------------------- what it says

    @property
    def niu(self) -> str:
        return self.act.niu or ""

    @property
    def register_number(self) -> str:
        return self.act.register_number or ""

    @property
    def held_elsewhere(self) -> bool:
        """Is this a copy of an act that another centre holds (issued from the SCEC's answer)?"""
        return bool(self.holding_centre)

    @property
    def event_date(self) -> dt.date | None:
        value = self.act.data.get("occurred_on")
        try:
            return dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    @property
    def names(self) -> tuple[str, ...]:
        from common.acts.summary import summarize

        return tuple(n for p in summarize(self.act.event_type, self.act.data).principal
                     for n in (p.surname, p.given_names) if n)

    def facts(self) -> list[tuple[str, str]]:
        """Every certified value as (label, text), in the reader's language, in form order."""
        event = EVENTS[self.act.event_type]
        out = [(tr("Document"), kind_label(self.kind) + (
                    f" ({kind_label(self.paid_for)})" if self.paid_for else "")),
               (tr("Copy no."), str(self.copy_number)),
               (tr("Issued on"), self.issued_at.strftime("%Y-%m-%d %H:%M UTC")),
               (tr("Centre"), " — ".join(x for x in (self.centre.code, self.centre.name) if x)),
               ]
        if self.holding_centre:
            out.append((tr("Act held by"), " — ".join(
                x for x in (self.act.centre_code or "", self.holding_centre) if x)))
        out += [(tr("Act"), event.label()),
               (tr("NIU"), self.niu),
               (tr("Act no."), self.register_number)]
        if self.act.registered_on:
            out.append((tr("Registered on"), format_value(self.act.registered_on, "date_long")))
        order = [name for section in event.sections for name in section.members]
        for path, leaf, value in data_leaves(event.root, self.act.data, order=order):
            text = format_value(value, "auto", field_info(self.act.event_type, path))
            out.append((event.path_label(path), text if leaf else str(value)))
        out += [(tr("Mention"), m) for m in self.mentions]
        for label, text in ((tr("Requested by"), self.requester),
                            (tr("Officer"), self.officer),
                            (tr("Receipt no."), self.receipt_number),
                            (tr("Fee"), f"{format_value(self.fee[0], 'auto')} {self.fee[1]}"
                             if self.fee else "")):
            out.append((label, text))
        return [(label, visible(text)) for label, text in out if text]


def _kind(r: Reader, code: int) -> str:
    if code not in KIND_NAMES:
        raise r.fail(f"unknown document kind {code}")
    return KIND_NAMES[code]


def kind_label(kind: str) -> str:
    return {
        "full": tr("Full copy"), "extract": tr("Extract"),
        "extract_filiation": tr("Extract with filiation"), "receipt": tr("Receipt"),
        "register_page": tr("Register page"),
    }.get(kind, kind)  # fmt: skip


def data_leaves(group: Group, data: Mapping[str, Any], prefix: str = "",
                order: Sequence[str] = ()) -> Iterator[tuple[str, Field | None, object]]:
    """Each value of ``data`` with its concrete path (``witnesses[1].surname``): the
    children named in ``order`` first (the form's sections), then in dictionary
    order; a key the dictionary does not know comes last, as stored."""
    rank = {name: i for i, name in enumerate(order)}
    children = sorted(group.ordered(), key=lambda c: rank.get(c.name, len(rank)))
    for child in children:
        value = data.get(child.name)
        if value is None:
            continue
        path = prefix + child.name
        if isinstance(child, Field):
            yield path, child, value
        elif child.repeated and isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, Mapping):
                    yield from data_leaves(child, item, f"{path}[{i}].")
        elif isinstance(value, Mapping):
            yield from data_leaves(child, value, path + ".")
    known = {c.name for c in children}
    for name in sorted(set(data) - known):
        yield prefix + name, None, data[name]


# ---------------------------------------------------------------- only what is printed


def printed_paths(template: Template, event_type: str) -> tuple[list[str], set[str]]:
    """The data paths a template prints, and the computed values it shows."""
    paths: list[str] = []
    computed: set[str] = set()
    for _, element in template.elements():
        if isinstance(element, DataField):
            paths.append(element.path)
        elif isinstance(element, ComputedField):
            computed.add(element.name)
        elif isinstance(element, Paragraph):
            for part in parse_placeholders(element.text):
                if isinstance(part, Placeholder):
                    (computed.add(part.name) if part.computed else paths.append(part.name))
    if "principal_names" in computed:
        event = EVENTS[event_type]
        node = event.node(event.principal_person)
        sep = "[]." if isinstance(node, Group) and node.repeated else "."
        paths += [f"{event.principal_person}{sep}{n}" for n in ("surname", "given_names")]
    return paths, computed


def says_where_held(template: Template) -> bool:
    """Does the template print the centre that holds the act (``registration_centre``)?

    A copy of an act registered in another centre must say so (issue 15)."""
    for _, element in template.elements():
        if isinstance(element, ComputedField) and element.name == "registration_centre":
            return True
        if isinstance(element, Paragraph) and any(
                isinstance(part, Placeholder) and part.computed
                and part.name == "registration_centre"
                for part in parse_placeholders(element.text)):
            return True
    return False


def _covers(pattern: Sequence[tuple[str, int | None]],
            concrete: Sequence[tuple[str, int | None]]) -> bool:
    """Does a template path (``spouses[].surname``, ``place``) print this concrete leaf?"""
    if len(pattern) > len(concrete):
        return False
    return all(pn == cn and pi in (None, -1, ci)
               for (pn, pi), (cn, ci) in zip(pattern, concrete, strict=False))


_ABSENT = object()


def _kept(value: object, where: list[tuple[str, int | None]],
          patterns: list[list[tuple[str, int | None]]]) -> object:
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            kept = _kept(item, [*where, (str(key), None)], patterns)
            if kept is not _ABSENT:
                out[key] = kept
        return out if out else _ABSENT
    if isinstance(value, list) and value and all(isinstance(i, Mapping) for i in value):
        name = where[-1][0]
        items = [_kept(item, [*where[:-1], (name, i)], patterns) for i, item in enumerate(value)]
        while items and items[-1] is _ABSENT:
            items.pop()
        return [{} if i is _ABSENT else i for i in items] if items else _ABSENT
    return value if any(_covers(p, where) for p in patterns) else _ABSENT


def printed_data(data: Mapping[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """The part of ``data`` that the template ``paths`` print (list positions kept)."""
    patterns = []
    for path in paths:
        try:
            patterns.append(split_path(path))
        except KeyError:
            continue  # the schema refuses such a path; nothing is printed from it
    kept = _kept(dict(data), [], patterns)
    return {} if kept is _ABSENT else dict(kept)  # type: ignore[call-overload]


def certify(act: Any, kind: str, template: Template, *, copy_number: int,
            issued_at: dt.datetime, centre: CentreInfo, officer: str = "",
            requester: str = "", receipt_number: str = "",
            fee: tuple[Decimal, str] | None = None, paid_for: str | None = None,
            mentions: Sequence[str] = (), calibration: Calibration = NO_CALIBRATION,
            holding: CentreInfo | None = None) -> CertifiedCopy:
    """What the code of this copy must carry: the printed values only.

    ``holding``: the centre that holds the act when it is not ``centre`` (a copy
    of an act registered elsewhere, from the SCEC's answer): its code and name
    are always carried, since the copy must say where the act is kept.
    """
    paths, computed = printed_paths(template, act.event_type)
    elsewhere = holding is not None and bool(holding.code) and holding.code != centre.code
    record = ActRecord(
        event_type=act.event_type, data=printed_data(act.data, paths), status="validated",
        niu=getattr(act, "niu", None), register_number=getattr(act, "register_number", None),
        centre_code=(holding.code if elsewhere and holding else centre.code) or None,
        registered_on=getattr(act, "registered_on", None),
        timeliness=getattr(act, "timeliness", None))

    def shown(name: str, text: str) -> str:  # what the template does not print is not carried
        return text if name in computed else ""

    return CertifiedCopy(
        kind=kind if kind in KIND_CODES else "other", copy_number=copy_number,
        issued_at=issued_at, act=record, template_digest=template_digest(template),
        calibration=calibration, centre=centre, officer=shown("officer", officer),
        requester=shown("requester", requester),
        receipt_number=shown("receipt_number", receipt_number),
        fee=fee if "fee" in computed else None,
        paid_for=paid_for if "copy_kind" in computed and paid_for in KIND_CODES else None,
        mentions=tuple(mentions) if "mentions" in computed else (),
        holding_centre=(holding.name or holding.code) if elsewhere and holding else "")


# ---------------------------------------------------------------- the template, exactly


def template_bytes(template: Template) -> bytes:
    """The template's canonical JSON (what its digest covers and a copy's PDF carries)."""
    return json.dumps(template_to_json(template), ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def template_digest(template: Template) -> bytes:
    return digest_of(template_bytes(template))


def digest_of(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()[:DIGEST_BYTES]


def template_from_bytes(data: bytes) -> Template:
    """Read back what ``template_bytes`` wrote (the caller has checked its digest)."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ContainerRefused("bad_payload", "the template is not JSON") from None
    return template_from_json(document)
