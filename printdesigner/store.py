"""Templates and printer calibration kept in the centre database.

A thin repository over the SQL API of migration ``0200_templates.sql``: every
call goes through a SECURITY DEFINER function with the user's session token,
like everything a workstation does, so the database decides who may save a
template (the officer) or read one (everyone).  Templates are checked by
``schema.py`` before they are sent and again when they are read back.  Database
refusals become ``StoreError`` with a translated message; nothing here commits
on behalf of the caller except the single call it makes.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from common.i18n import translator
from printdesigner.errors import PrintError
from printdesigner.model import Template, normal_kind
from printdesigner.render import Calibration
from printdesigner.schema import template_from_json, template_to_json

tr = translator("print")


class StoreError(PrintError):
    """The centre database refused a template operation."""


_MESSAGES = {  # msgids, translated in common/i18n/locale/fr/print.po
    "template_changed": "Someone saved this template meanwhile (now version {version}): "
                        "reopen it before saving",
    "template_not_found": "There is no template {key} in this centre",
    "template_bad_document": "The template document is not a valid ECR template",
    "template_bad_key": "A template key uses lower-case letters, digits, dots and dashes",
    "template_version_immutable": "A saved template version cannot be changed or deleted",
    "calibration_out_of_range": "A printer offset must lie between -50 and 50 mm",
    "action_not_permitted": "Your role may not do this ({action})",
}


def _message(rule: str, params: dict[str, Any]) -> str:
    msgid = _MESSAGES.get(rule)
    if msgid is None:
        return tr("Refused by the centre database: {rule}", rule=rule)
    try:
        return tr(msgid, **params)
    except (KeyError, IndexError):
        return tr(msgid)


@dataclass(frozen=True)
class StoredTemplate:
    key: str
    version: int
    name: str
    event_type: str | None
    kind: str
    saved_by: int | None
    saved_at: dt.datetime


Connections = psycopg.Connection[Any] | Callable[[], AbstractContextManager[Any]]


class TemplateStore:
    """Templates of one centre, as seen by one logged-in session.

    ``conn`` is an ``ecr_app`` connection, or a function giving one as a context
    manager for each call (``Database.transaction`` of the centre services), so
    a designer window left open holds no connection.
    """

    def __init__(self, conn: Connections, token: uuid.UUID) -> None:
        self._conn = conn
        self._token = token

    def _call(self, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if isinstance(self._conn, psycopg.Connection):
            return self._run(self._conn, query, params)
        with self._conn() as conn:
            return self._run(conn, query, params)

    def _run(self, conn: psycopg.Connection[Any], query: str,
             params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        try:
            with conn.transaction(), conn.cursor() as cur:
                cur.execute(query, params)  # type: ignore[arg-type]
                rows = cur.fetchall() if cur.description else []
                return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]
        except psycopg.Error as exc:
            state = exc.sqlstate or ""
            if not state.startswith("EC"):
                raise
            diag = exc.diag
            try:
                params_json = json.loads(diag.message_hint or "{}")
            except ValueError:
                params_json = {}
            rule = diag.message_primary or "refused"
            raise StoreError(_message(rule, params_json), field=diag.message_detail or None,
                             rule=rule) from None

    def save(self, template: Template, base_version: int | None) -> Template:
        """Store ``template`` as the next version; ``base_version`` is the one edited.

        Returns the template as stored (with its new version number).
        """
        document = template_to_json(template)
        version = self._call(
            "SELECT ecr.template_save(%s, %s, %s, %s, %s, %s, %s)",
            (self._token, template.key, base_version, template.name, template.event_type,
             template.kind, Jsonb(document)),
        )[0][0]
        document["version"] = version
        return template_from_json(document)

    def get(self, key: str, version: int | None = None) -> Template:
        rows = self._call("SELECT ecr.template_get(%s, %s, %s)", (self._token, key, version))
        return template_from_json(rows[0][0])

    def find(self, event_type: str, kind: str) -> Template | None:
        """The centre's current template for a document, if it has one.

        ``kind`` may be spelt as the centre services do (``extract_with_filiation``).
        """
        kind = normal_kind(kind)
        for stored in self.list(event_type):
            if stored.kind == kind:
                return self.get(stored.key)
        return None

    def list(self, event_type: str | None = None) -> list[StoredTemplate]:
        rows = self._call("SELECT * FROM ecr.template_list(%s, %s)", (self._token, event_type))
        return [StoredTemplate(*row) for row in rows]

    def versions(self, key: str) -> list[tuple[int, str, int | None, dt.datetime]]:
        return [tuple(row) for row in self._call(  # type: ignore[misc]
            "SELECT * FROM ecr.template_versions(%s, %s)", (self._token, key))]

    def calibration(self) -> Calibration:
        """This workstation's printer offset (of the session's workstation)."""
        dx, dy = self._call("SELECT * FROM ecr.calibration_get(%s)", (self._token,))[0]
        return Calibration(float(dx), float(dy))

    def set_calibration(self, calibration: Calibration) -> None:
        self._call("SELECT ecr.calibration_set(%s, %s, %s)",
                   (self._token, Decimal(str(round(calibration.dx_mm, 2))),
                    Decimal(str(round(calibration.dy_mm, 2)))))
