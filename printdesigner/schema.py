"""The template file format (``docs/template-format.md``): JSON in, checked values out.

Reading is strict: an unknown key, a wrong type, an element outside its page or a
reference to a missing image is refused with the JSON path of the culprit and the
rule it breaks, because a template travels from the ministry to every centre and
a typo must be caught where it is made, not on a citizen's certificate.  Writing
is canonical (sorted keys, fixed order of elements) so that two exports of the
same template are the same bytes.

This module must never render, open a database or import the designer.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from common.i18n import translator
from printdesigner.errors import TemplateError
from printdesigner.model import (
    ALIGNS,
    COMPUTED,
    ELEMENT_TYPES,
    FITS,
    FONTS,
    FORMAT_NAME,
    FORMAT_VERSION,
    FORMATS,
    KINDS,
    MODES,
    PAPER_SIZES,
    TEXT_TYPES,
    VALIGNS,
    AnyElement,
    Asset,
    Background,
    Page,
    PageSize,
    Template,
    TextStyle,
    Watermark,
)
from printdesigner.placeholders import parse_placeholders

tr = translator("print")

_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_PATH = re.compile(r"^[a-z_][a-z0-9_]*(\[\d*\])?(\.[a-z_][a-z0-9_]*(\[\d*\])?)*$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_MEDIA = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}
#: The smallest QR side that still scans reliably from paper with a phone.
QR_MIN_MM = 20.0
_TOLERANCE_MM = 0.5
_FRAME_KEYS = ("id", "type", "x", "y", "width", "height")
_STYLE_DEFAULT = TextStyle()


class _Checker:
    """Collects every problem of a document, then refuses it naming the first one."""

    def __init__(self) -> None:
        self.problems: list[TemplateError] = []

    def fail(self, where: str, rule: str, message: str) -> None:
        self.problems.append(TemplateError(message, field=where, rule=rule))

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        first = self.problems[0]
        more = len(self.problems) - 1
        message = first.message if not more else tr(
            "{message} (and {count} more problems)", message=first.message, count=more)
        error = TemplateError(message, field=first.field, rule=first.rule)
        error.problems = tuple(self.problems)  # type: ignore[attr-defined]
        raise error

    # -- typed getters: each returns a usable default after recording a problem
    def obj(self, value: object, where: str) -> Mapping[str, Any]:
        if isinstance(value, Mapping):
            return value
        self.fail(where, "not_an_object", tr("{where} must be a JSON object", where=where))
        return {}

    def keys(self, value: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in value:
            if key not in allowed:
                self.fail(f"{where}.{key}" if where else key, "unknown_key",
                          tr("Unknown key {key} in {where}", key=key, where=where or "template"))

    def number(self, value: object, where: str, low: float, high: float) -> float:
        if (isinstance(value, bool) or not isinstance(value, int | float)
                or not math.isfinite(value)):
            self.fail(where, "not_a_number", tr("{where} must be a number", where=where))
            return low
        if not low <= value <= high:
            self.fail(where, "out_of_range", tr("{where} must be between {low} and {high}",
                                                where=where, low=low, high=high))
        return float(value)

    def integer(self, value: object, where: str, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, "not_an_integer", tr("{where} must be a whole number", where=where))
            return low
        if not low <= value <= high:
            self.fail(where, "out_of_range", tr("{where} must be between {low} and {high}",
                                                where=where, low=low, high=high))
        return value

    def text(self, value: object, where: str, *, pattern: re.Pattern[str] | None = None,
             required: bool = False, max_length: int = 10_000) -> str:
        if not isinstance(value, str):
            self.fail(where, "not_a_string", tr("{where} must be text", where=where))
            return ""
        if required and not value.strip():
            self.fail(where, "required", tr("{where} must not be empty", where=where))
        elif len(value) > max_length:
            self.fail(where, "too_long", tr("{where} is longer than {max} characters",
                                            where=where, max=max_length))
        elif pattern is not None and value and not pattern.match(value):
            self.fail(where, "bad_syntax", tr("{where} has an invalid form: {value!r}",
                                              where=where, value=value))
        return value

    def choice(self, value: object, where: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            self.fail(where, "not_allowed", tr("{where} must be one of: {allowed}",
                                               where=where, allowed=", ".join(allowed)))
            return allowed[0]
        return str(value)

    def boolean(self, value: object, where: str) -> bool:
        if not isinstance(value, bool):
            self.fail(where, "not_a_boolean", tr("{where} must be true or false", where=where))
            return False
        return value


# ---------------------------------------------------------------- reading


def template_from_json(document: object) -> Template:
    """A checked ``Template`` from parsed JSON, or ``TemplateError`` naming every problem."""
    c = _Checker()
    doc = c.obj(document, "template")
    c.keys(doc, ("format", "format_version", "key", "name", "description", "event_type", "kind",
                 "language", "mode", "version", "page", "pages", "watermark", "background",
                 "assets"), "")
    if doc.get("format") != FORMAT_NAME:
        c.fail("format", "not_a_template",
               tr("This is not an ECR print template (format must be {name})", name=FORMAT_NAME))
        c.raise_if_any()
    fv = c.integer(doc.get("format_version"), "format_version", 1, 10_000)
    if fv > FORMAT_VERSION:
        c.fail("format_version", "newer_format",
               tr("This template uses format version {found}; this ECR reads up to {known}: "
                  "update ECR", found=fv, known=FORMAT_VERSION))
        c.raise_if_any()
    assets = _assets(c, doc.get("assets", {}))
    page = _page_size(c, doc.get("page", {}))
    width, height = page.dimensions()
    raw_pages = doc.get("pages")
    pages: list[Page] = []
    seen: set[str] = set()
    if not isinstance(raw_pages, list) or not raw_pages:
        c.fail("pages", "required", tr("A template needs at least one page"))
    else:
        for pi, raw_page in enumerate(raw_pages):
            where = f"pages[{pi}]"
            page_doc = c.obj(raw_page, where)
            c.keys(page_doc, ("elements",), where)
            raw_elements = page_doc.get("elements", [])
            if not isinstance(raw_elements, list):
                c.fail(f"{where}.elements", "not_a_list",
                       tr("{where} must be a list", where=f"{where}.elements"))
                raw_elements = []
            elements = []
            for ei, raw in enumerate(raw_elements):
                element = _element(c, raw, f"{where}.elements[{ei}]", (width, height), assets)
                if element is None:
                    continue
                if element.id in seen:
                    c.fail(f"{where}.elements[{ei}].id", "duplicate_id",
                           tr("Element id {id} is used twice", id=element.id))
                seen.add(element.id)
                elements.append(element)
            pages.append(Page(tuple(elements)))
    watermark = None
    if doc.get("watermark") is not None:
        watermark = _watermark(c, doc["watermark"])
    background = None
    if doc.get("background") is not None:
        bg = c.obj(doc["background"], "background")
        c.keys(bg, ("asset", "printed"), "background")
        name = c.text(bg.get("asset"), "background.asset", required=True)
        if name and name not in assets:
            c.fail("background.asset", "unknown_asset",
                   tr("Image {name} is not among the template's assets", name=name))
        background = Background(name, c.boolean(bg.get("printed", False), "background.printed"))
    event_type = doc.get("event_type")
    if event_type is not None:
        event_type = c.text(event_type, "event_type", pattern=_KEY, required=True)
    template = Template(
        key=c.text(doc.get("key"), "key", pattern=_KEY, required=True),
        name=c.text(doc.get("name"), "name", required=True, max_length=200),
        description=c.text(doc.get("description", ""), "description", max_length=2000),
        event_type=event_type,
        kind=c.choice(doc.get("kind", "other"), "kind", KINDS),
        language=c.choice(doc.get("language", "fr"), "language", ("fr", "en")),
        mode=c.choice(doc.get("mode", "document"), "mode", MODES),
        version=c.integer(doc.get("version", 1), "version", 1, 10**9),
        page=page,
        pages=tuple(pages) or (Page(),),
        watermark=watermark,
        background=background,
        assets=assets,
    )
    c.raise_if_any()
    return template


def _assets(c: _Checker, value: object) -> dict[str, Asset]:
    out: dict[str, Asset] = {}
    for name, raw in c.obj(value, "assets").items():
        where = f"assets.{name}"
        if not _ID.match(str(name)):
            c.fail(where, "bad_syntax", tr("{where} has an invalid form: {value!r}",
                                           where="assets", value=name))
        entry = c.obj(raw, where)
        c.keys(entry, ("media_type", "data"), where)
        media = c.choice(entry.get("media_type"), f"{where}.media_type", tuple(_MEDIA))
        try:
            data = base64.b64decode(c.text(entry.get("data"), f"{where}.data", required=True),
                                    validate=True)
        except (binascii.Error, ValueError):
            c.fail(f"{where}.data", "not_base64", tr("{where} is not valid base64", where=where))
            continue
        if not data.startswith(_MEDIA[media]):
            c.fail(f"{where}.data", "not_an_image",
                   tr("{where} is not a {media} image", where=where, media=media))
        out[str(name)] = Asset(media, data)
    return out


def _page_size(c: _Checker, value: object) -> PageSize:
    doc = c.obj(value, "page")
    c.keys(doc, ("size", "orientation", "width_mm", "height_mm"), "page")
    size = c.choice(doc.get("size", "A4"), "page.size", (*PAPER_SIZES, "custom"))
    orientation = c.choice(doc.get("orientation", "portrait"), "page.orientation",
                           ("portrait", "landscape"))
    if size == "custom":
        w = c.number(doc.get("width_mm"), "page.width_mm", 20, 2000)
        h = c.number(doc.get("height_mm"), "page.height_mm", 20, 2000)
        return PageSize("custom", orientation, w, h)  # type: ignore[arg-type]
    return PageSize(size, orientation)  # type: ignore[arg-type]


def _watermark(c: _Checker, value: object) -> Watermark:
    doc = c.obj(value, "watermark")
    c.keys(doc, ("text", "from_copy", "size", "angle", "gray"), "watermark")
    d = Watermark()
    return Watermark(
        text=c.text(doc.get("text", d.text), "watermark.text", required=True, max_length=60),
        from_copy=c.integer(doc.get("from_copy", d.from_copy), "watermark.from_copy", 1, 1000),
        size=c.number(doc.get("size", d.size), "watermark.size", 8, 300),
        angle=c.number(doc.get("angle", d.angle), "watermark.angle", -180, 180),
        gray=c.number(doc.get("gray", d.gray), "watermark.gray", 0, 1),
    )


def _style(c: _Checker, value: object, where: str) -> TextStyle:
    doc = c.obj(value, where)
    c.keys(doc, tuple(f.name for f in fields(TextStyle)), where)
    d = _STYLE_DEFAULT
    size = c.number(doc.get("size", d.size), f"{where}.size", 2, 200)
    min_size = c.number(doc.get("min_size", min(d.min_size, size)), f"{where}.min_size", 2, 200)
    if min_size > size:
        c.fail(f"{where}.min_size", "above_size",
               tr("{where} cannot be larger than the size", where=f"{where}.min_size"))
    return TextStyle(
        font=c.choice(doc.get("font", d.font), f"{where}.font", FONTS),
        size=size,
        bold=c.boolean(doc.get("bold", d.bold), f"{where}.bold"),
        italic=c.boolean(doc.get("italic", d.italic), f"{where}.italic"),
        align=c.choice(doc.get("align", d.align), f"{where}.align", ALIGNS),
        valign=c.choice(doc.get("valign", d.valign), f"{where}.valign", VALIGNS),
        color=c.text(doc.get("color", d.color), f"{where}.color", pattern=_COLOR),
        fit=c.choice(doc.get("fit", d.fit), f"{where}.fit", FITS),
        min_size=min_size,
        line_spacing=c.number(doc.get("line_spacing", d.line_spacing),
                              f"{where}.line_spacing", 0.8, 3),
    )


_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "text": ("text", "style"),
    "field": ("path", "format", "style", "empty", "separator", "prefix", "suffix"),
    "computed": ("name", "format", "style", "empty", "prefix", "suffix"),
    "paragraph": ("text", "style"),
    "line": ("thickness", "color", "dash"),
    "box": ("thickness", "color", "fill", "radius"),
    "image": ("asset", "keep_ratio"),
    "qr": (),
}


def _element(c: _Checker, raw: object, where: str, page: tuple[float, float],
             assets: Mapping[str, Asset]) -> AnyElement | None:
    doc = c.obj(raw, where)
    kind = doc.get("type")
    if kind not in ELEMENT_TYPES:
        c.fail(f"{where}.type", "unknown_type", tr("{where} must be one of: {allowed}",
                                                   where=f"{where}.type",
                                                   allowed=", ".join(ELEMENT_TYPES)))
        return None
    c.keys(doc, (*_FRAME_KEYS, *_TYPE_KEYS[kind]), where)
    element_id = c.text(doc.get("id"), f"{where}.id", pattern=_ID, required=True)
    # Messages name the element as a person sees it in the designer, and the path.
    named = f"{element_id} ({where})" if element_id else where
    pw, ph = page
    x = c.number(doc.get("x"), f"{where}.x", -pw, 2 * pw)
    y = c.number(doc.get("y"), f"{where}.y", -ph, 2 * ph)
    low = -max(pw, ph) if kind == "line" else 0.0
    w = c.number(doc.get("width"), f"{where}.width", low, max(pw, ph))
    h = c.number(doc.get("height"), f"{where}.height", low, max(pw, ph))
    if kind != "line" and (w <= 0 or h <= 0):
        c.fail(where, "empty_frame", tr("{where} must have a width and a height above zero",
                                        where=named))
    xs, ys = sorted((x, x + w)), sorted((y, y + h))
    t = _TOLERANCE_MM
    if xs[0] < -t or ys[0] < -t or xs[1] > pw + t or ys[1] > ph + t:
        c.fail(where, "outside_page",
               tr("{where} lies outside the page ({w} × {h} mm)", where=named, w=pw, h=ph))
    common = dict(id=element_id, x=x, y=y, width=w, height=h)
    cls = ELEMENT_TYPES[kind]
    extra: dict[str, Any] = {}
    if kind in TEXT_TYPES:
        extra["style"] = _style(c, doc.get("style", {}), f"{where}.style")
    if kind in ("text", "paragraph"):
        extra["text"] = c.text(doc.get("text", ""), f"{where}.text", max_length=20_000)
        if kind == "paragraph":
            try:
                parse_placeholders(extra["text"])
            except ValueError as exc:
                c.fail(f"{where}.text", "bad_placeholder",
                       tr("{where}: {problem}", where=f"{where}.text", problem=str(exc)))
    if kind in ("field", "computed"):
        extra["format"] = c.choice(doc.get("format", "auto"), f"{where}.format", FORMATS)
        for key in ("empty", "prefix", "suffix"):
            extra[key] = c.text(doc.get(key, ""), f"{where}.{key}", max_length=200)
    if kind == "field":
        extra["path"] = c.text(doc.get("path"), f"{where}.path", pattern=_PATH, required=True)
        extra["separator"] = c.text(doc.get("separator", ", "), f"{where}.separator",
                                    max_length=20)
    if kind == "computed":
        extra["name"] = c.choice(doc.get("name"), f"{where}.name", COMPUTED)
    if kind in ("line", "box"):
        extra["thickness"] = c.number(doc.get("thickness", 0.3), f"{where}.thickness", 0, 20)
        extra["color"] = c.text(doc.get("color", "#000000"), f"{where}.color", pattern=_COLOR)
    if kind == "line":
        extra["dash"] = c.boolean(doc.get("dash", False), f"{where}.dash")
    if kind == "box":
        fill = doc.get("fill")
        extra["fill"] = None if fill is None else c.text(fill, f"{where}.fill", pattern=_COLOR)
        extra["radius"] = c.number(doc.get("radius", 0), f"{where}.radius", 0, 100)
    if kind == "image":
        name = c.text(doc.get("asset"), f"{where}.asset", required=True)
        if name and name not in assets:
            c.fail(f"{where}.asset", "unknown_asset",
                   tr("Image {name} is not among the template's assets", name=name))
        extra["asset"] = name
        extra["keep_ratio"] = c.boolean(doc.get("keep_ratio", True), f"{where}.keep_ratio")
    if kind == "qr" and min(w, h) < QR_MIN_MM:
        c.fail(where, "qr_too_small", tr("The QR code must be at least {mm} mm wide to scan "
                                         "reliably", mm=QR_MIN_MM))
    return cls(**common, **extra)  # type: ignore[return-value, arg-type]


# ---------------------------------------------------------------- writing


def template_to_json(template: Template) -> dict[str, Any]:
    """The canonical JSON form (what ``template_from_json`` reads back identically)."""
    doc: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "key": template.key,
        "name": template.name,
        "description": template.description,
        "event_type": template.event_type,
        "kind": template.kind,
        "language": template.language,
        "mode": template.mode,
        "version": template.version,
        "page": _page_to_json(template.page),
        "pages": [{"elements": [element_to_json(e) for e in p.elements]} for p in template.pages],
        "assets": {name: {"media_type": a.media_type, "data": base64.b64encode(a.data).decode()}
                   for name, a in sorted(template.assets.items())},
    }
    if template.watermark is not None:
        w = template.watermark
        doc["watermark"] = {"text": w.text, "from_copy": w.from_copy, "size": _canon(w.size),
                            "angle": _canon(w.angle), "gray": _canon(w.gray)}
    if template.background is not None:
        doc["background"] = {"asset": template.background.asset,
                             "printed": template.background.printed}
    return doc


def _page_to_json(page: PageSize) -> dict[str, Any]:
    out: dict[str, Any] = {"size": page.size, "orientation": page.orientation}
    if page.size == "custom":
        out["width_mm"] = _canon(page.width_mm)
        out["height_mm"] = _canon(page.height_mm)
    return out


def _canon(value: Any) -> Any:
    """Numbers written one way only: 10 not 10.0, at most two decimals (0.01 mm)."""
    if isinstance(value, float):
        value = round(value, 2)
        return int(value) if value.is_integer() else value
    return value


def element_to_json(element: AnyElement) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(element):
        value = getattr(element, f.name)
        if isinstance(value, TextStyle):
            value = {sf.name: _canon(getattr(value, sf.name)) for sf in fields(TextStyle)
                     if getattr(value, sf.name) != getattr(_STYLE_DEFAULT, sf.name)}
        out[f.name] = _canon(value)
    return out


def dumps(template: Template) -> str:
    return json.dumps(template_to_json(template), ensure_ascii=False, indent=1, sort_keys=True)


def loads(text: str | bytes) -> Template:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(tr("The template file is not valid JSON: {problem}", problem=str(exc)),
                            field="template", rule="not_json") from None
    return template_from_json(document)


def export_file(template: Template, path: Path) -> None:
    """Write a template file a country can send to every centre."""
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(dumps(template) + "\n", encoding="utf-8")
    tmp.replace(path)


def import_file(path: Path) -> Template:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TemplateError(tr("Cannot read the template file {path}: {problem}", path=str(path),
                               problem=exc.strerror or str(exc)),
                            field="file", rule="unreadable") from None
    return loads(data)
