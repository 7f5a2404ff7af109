"""The root of ECR's error hierarchy.

Every layer derives its own small hierarchy from these two classes.  The rule,
taken from Thonny: a ``UserError`` is shown to the person as it is (its message is
already translated and names the field and the rule); any other exception is a
bug, logged with its traceback and shown as an internal error.
"""

from __future__ import annotations


class EcrError(Exception):
    """Base of every error ECR raises on purpose."""


class UserError(EcrError):
    """A refusal the user can understand and act on.

    ``field`` is the dotted path of the field at fault (``"mother.birth_date"``)
    or ``None`` when the refusal is not about one field; ``rule`` is a stable,
    machine-readable key (``"date_in_future"``) that tests and the JSON output
    use; ``message`` is the translated sentence shown to people.
    """

    def __init__(self, message: str, *, field: str | None = None, rule: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule

    def as_dict(self) -> dict[str, str | None]:
        return {"error": self.message, "field": self.field, "rule": self.rule}

    def refusals(self) -> tuple[UserError, ...]:
        """Every refusal this one stands for, itself first: one, unless a
        subclass found several at once (the errors of an act's validation) and
        the person should see them all, not correct them one run at a time."""
        return (self,)
