"""What validation finds: ``Problem`` values gathered in a ``Report``.

A problem names the field by its dotted path (``mother.birth_date``,
``witnesses[1].surname``) and the rule by a stable key; ``message(lang)`` renders
"<field label>: <rule sentence>" in French or English from the dictionary's label
and the ``acts`` translation catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from common.acts.dictionary import EVENTS
from common.acts.errors import ActInvalid
from common.acts.messages import rule_text, with_field
from common.i18n import get_language, using_language


@dataclass(frozen=True)
class Problem:
    """One refusal or warning: the field's path, the rule's key, the rule's parameters."""

    path: str
    rule: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)
    event_key: str | None = field(default=None, compare=False)

    def field_label(self, lang: str | None = None) -> str:
        ev = EVENTS.get(self.event_key or "")
        if ev is None or not self.path:
            return self.path
        return ev.path_label(self.path, lang)

    def message(self, lang: str | None = None) -> str:
        """The sentence shown to people, naming the field and the rule."""
        lang = lang or get_language()
        with using_language(lang):
            return with_field(self.field_label(lang), rule_text(self.rule, self.params))

    def as_dict(self, lang: str | None = None) -> dict[str, object]:
        return {"field": self.path, "rule": self.rule, "params": dict(self.params),
                "message": self.message(lang)}  # fmt: skip


@dataclass(frozen=True)
class Report:
    """Errors refuse the act; warnings ask the person to check (the act may still be saved)."""

    errors: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    def rules(self) -> set[tuple[str, str]]:
        """``{(path, rule)}`` of the errors (handy in tests and the GUI)."""
        return {(p.path, p.rule) for p in self.errors}

    def raise_if_errors(self) -> None:
        """Raise ``ActInvalid`` (a ``UserError``) naming the first error's field and rule."""
        if self.errors:
            first = self.errors[0]
            raise ActInvalid(first.message(), field=first.path, rule=first.rule, report=self)

    def as_dict(self, lang: str | None = None) -> dict[str, object]:
        return {"errors": [p.as_dict(lang) for p in self.errors],
                "warnings": [p.as_dict(lang) for p in self.warnings]}  # fmt: skip
