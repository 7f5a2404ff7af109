"""How the windows and the command line name things: roles, statuses, copy kinds, actions.

Keys come from the services (``"secretary"``, ``"verified"``, ``"to_verify"``);
this module only says them in the person's language.  Event types and code
lists are named by the data dictionary itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from common.acts.niu import niu_display
from common.i18n import N_, amount_text, translator

tr = translator("ui")

ROLES = {"officer": N_("Officer"), "secretary": N_("Secretary"), "agent": N_("Agent")}

STATUSES = {
    "draft": N_("Draft"),
    "verified": N_("Verified"),
    "validated": N_("Validated"),
    "transmitted": N_("Transmitted"),
    "acknowledged": N_("Acknowledged by the SCEC"),
    "rejected": N_("Rejected"),
}

QUEUES = {
    "my_drafts": N_("My drafts"),
    "rejected": N_("Rejected acts to fix"),
    "to_verify": N_("Acts to verify"),
    "to_validate": N_("Acts to validate"),
}

COPY_KINDS = {
    "full": N_("Full copy"),
    "extract_with_filiation": N_("Extract with filiation"),
    "extract_without_filiation": N_("Extract without filiation"),
}

MENTION_KINDS = {
    "rectification": N_("Rectification (court decision)"),
    "marriage": N_("Marriage"),
    "divorce": N_("Divorce"),
    "annulment": N_("Annulment of marriage"),
    "judicial_separation": N_("Judicial separation"),
    "death": N_("Death"),
    "recognition": N_("Recognition"),
    "adoption": N_("Adoption"),
    "legitimation": N_("Legitimation"),
    "other": N_("Other"),
}

#: Audit actions, as the history of an act lists them.
ACTIONS = {
    "act.draft": N_("drafted"),
    "act.update_draft": N_("draft changed"),
    "act.verify": N_("verified (NIU assigned)"),
    "act.reject": N_("rejected"),
    "act.validate": N_("validated"),
    "act.show": N_("read"),
    "act.history": N_("history read"),
    "act.mention": N_("mention added"),
    "act.transmit": N_("transmitted to the SCEC"),
    "act.acknowledge": N_("receipt from the SCEC"),
    "copy.issue": N_("copy issued"),
    "copy.issue_national": N_("copy of an act of another centre issued"),
    "act.search_national": N_("question to the SCEC"),
    "act.read_national": N_("act of another centre read"),
    "act.search": N_("found by a search"),
    "notice.receive": N_("notice from the SCEC"),
}


#: The audit details worth showing, by key, and how to name them.
DETAILS = {
    "register": N_("register no. {value}"),
    "niu": N_("NIU {value}"),
    "reason": N_("reason: {value}"),
    "receipt": N_("receipt {value}"),
    "requester": N_("for {value}"),
    "fee": N_("fee {value}"),
    "kind": N_("{value}"),
    "holding_centre": N_("held by centre {value}"),
    "workstation": N_("at {value}"),
}


def detail_text(detail: Mapping[str, Any]) -> str:
    """An audit entry's details in words ("NIU 2210…; reason: …"), never raw JSON keys."""
    from common.i18n import translate

    parts = []
    for key, value in detail.items():
        if value in (None, "") or key not in DETAILS:
            continue
        if key == "kind":
            value = copy_kind_label(str(value)) if str(value) in COPY_KINDS else (
                mention_kind_label(str(value)))
        elif key == "niu":
            value = niu_text(str(value))
        parts.append(translate("ui", DETAILS[key]).format(value=value))
    return "; ".join(parts)


def _say(table: Mapping[str, str], key: str | None) -> str:
    from common.i18n import translate

    if key is None:
        return ""
    msgid = table.get(key)
    return translate("ui", msgid) if msgid else key


def role_label(role: str) -> str:
    return _say(ROLES, role)


def status_label(status: str) -> str:
    return _say(STATUSES, status)


def queue_label(queue: str) -> str:
    return _say(QUEUES, queue)


def copy_kind_label(kind: str) -> str:
    return _say(COPY_KINDS, kind)


def mention_kind_label(kind: str) -> str:
    return _say(MENTION_KINDS, kind)


def action_label(action: str) -> str:
    return _say(ACTIONS, action)


def event_label(event_type: str) -> str:
    from common.acts.dictionary import EVENTS

    event = EVENTS.get(event_type)
    return event.label() if event is not None else event_type


def notice_text(notice: Mapping[str, Any]) -> str:
    """What a notice of the SCEC says, in a sentence an officer can act on
    (``ecr national notices``, the Notices page)."""
    kind, detail = notice["kind"], str(notice["detail"])
    # a mention_applied names the other centre's act first; the source act is ours
    ours, theirs = ((notice["other_niu"], notice["niu"]) if kind == "mention_applied"
                    else (notice["niu"], notice["other_niu"]))
    own = notice.get("own_register_number")
    own_act = (tr("{event} no. {number}", event=event_label(str(notice["own_event_type"])),
                  number=own) if own else tr("act {niu}", niu=niu_text(str(ours))))
    other = niu_text(str(theirs))
    centre = str(notice["other_centre"])
    if kind == "possible_duplicate":
        return tr("{own} (NIU {niu}) may register the same event as act {other} of centre "
                  "{centre}: the SCEC is reviewing the pair; check the two acts with the "
                  "persons concerned", own=own_act, niu=niu_text(str(ours)), other=other,
                  centre=centre)
    if kind == "duplicate_resolved":
        decision = (tr("the same event registered twice: the centres correct their acts")
                    if detail == "same_event" else tr("two different events: nothing to do"))
        return tr("{own} and act {other} of centre {centre}: the SCEC decided: {decision}",
                  own=own_act, other=other, centre=centre, decision=decision)
    return tr("The {kind} mention of {own} was written by centre {centre} on its act {niu}",
              kind=mention_kind_label(detail).lower(), own=own_act, centre=centre, niu=other)


def date_text(value: dt.date | str | None) -> str:
    """A date as people read it here: 28/12/2025."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d/%m/%Y")


def datetime_text(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone()
    return value.strftime("%d/%m/%Y %H:%M")


def niu_text(niu: str | None) -> str:
    """A NIU grouped for reading aloud, as documents print it (``niu_display``)."""
    return niu_display(niu) if niu else ""


def money_text(amount: Any, currency: str) -> str:
    """"1 000 XOF": as the printed receipt writes it (``common.i18n.amount_text``)."""
    if amount is None or amount == "":
        return currency
    return f"{amount_text(amount)} {currency}".strip()


def summary_line(summary: Any) -> str:
    """One line naming an act: "Naissance n° 12 / 2026 — Awa Ndiaye, 28/12/2025"."""
    parts = [event_label(summary.event_type), summary.register_number]
    head = " ".join(p for p in parts if p)
    person = summary.principal or ""
    when = date_text(summary.occurred_on)
    tail = ", ".join(p for p in (person, when) if p)
    return f"{head} — {tail}" if tail else head
