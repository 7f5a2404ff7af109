"""The print layer's errors: a template that cannot be read, a document that cannot be made.

Every refusal names the place at fault (``field``: a JSON path inside the template
such as ``pages[0].elements[3].width``) and the rule broken, in the user's
language; anything else escaping this package is a bug.
"""

from __future__ import annotations

from common.errors import UserError


class PrintError(UserError):
    """Base of the refusals of the print layer."""


class TemplateError(PrintError):
    """A template (file, JSON, or designer state) breaks a rule of the format."""


class RenderError(PrintError):
    """A document could not be produced from a valid template (missing asset, font…)."""


class VerificationError(PrintError):
    """A printed copy's QR code could not even be read (not: "read and found false")."""
