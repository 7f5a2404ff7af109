"""A sample act to preview a template with: generated from the dictionary, never hand-made."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from common.acts.generator import generate_act
from printdesigner.binding import PrintContext
from printdesigner.documents import CentreInfo, SampleAct, print_context
from printdesigner.model import Template

SAMPLE_CENTRE = CentreInfo("000001", "Centre principal", "Région — Commune", "Chef-lieu",
                           "République")


def sample_act(event_type: str, seed: int = 7) -> SampleAct:
    generated = generate_act(event_type, random.Random(seed), complete=True,
                             centre_code=SAMPLE_CENTRE.code)
    return SampleAct(event_type, generated.data, niu=generated.niu,
                     register_number=f"{seed}/{generated.registered_on.year}",
                     registered_on=generated.registered_on,
                     mentions=("Mention marginale d'exemple.",))


def sample_context(template: Template, seed: int = 7) -> PrintContext:
    """The values a preview shows: a complete generated act, an example centre."""
    assert template.event_type is not None
    act = sample_act(template.event_type, seed)
    return print_context(act, template.kind, centre=SAMPLE_CENTRE, officer="Officier d'exemple",
                         requester="Demandeur d'exemple", receipt_number="R-0001",
                         fee=(Decimal("1000"), "XOF"),
                         issued_at=dt.datetime.now(dt.UTC), lang=template.language)
