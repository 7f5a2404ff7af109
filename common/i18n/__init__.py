"""The translation layer: every user-visible sentence goes through ``tr``.

Message ids are English; French is the default language.  Catalogues are plain
gettext ``.po`` files, one per domain (a domain is a part of the code owned by
one team: ``acts``, ``db``, ``wire``, ``pki``, ``centre``, ``ui``, ``print``,
``stats``, ``scec``), kept in ``common/i18n/locale/<lang>/<domain>.po`` and read
with Babel at first use, so there is no compile step and no binary in the repo.
``tools/i18n_check.py`` lists every literal passed to ``tr`` that a catalogue
lacks; a test runs it.

Usage::

    from common.i18n import translator
    tr = translator("acts")
    tr("Date of birth is in the future")
    tr("{field} must be between {low} and {high}", field=..., low=1, high=9)

The data dictionary's own labels are not here: they are declared with their
French and English text next to the field, which is the one source of truth.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_LOCALE_DIR = Path(__file__).with_name("locale")

_state = threading.local()
_process_language = DEFAULT_LANGUAGE
_catalogues: dict[tuple[str, str], dict[str, str]] = {}
_lock = threading.Lock()


def set_language(lang: str) -> None:
    """Set the language for the whole process (the GUI's choice, ``--lang``)."""
    global _process_language
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; choose one of {LANGUAGES}")
    _process_language = lang


def get_language() -> str:
    return getattr(_state, "lang", None) or _process_language


class using_language:
    """Context manager: render text in ``lang`` in this thread (documents in English)."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}")
        self.lang = lang
        self._previous: str | None = None

    def __enter__(self) -> None:
        self._previous = getattr(_state, "lang", None)
        _state.lang = self.lang

    def __exit__(self, *exc: object) -> None:
        _state.lang = self._previous


def _catalogue(domain: str, lang: str) -> dict[str, str]:
    key = (domain, lang)
    cat = _catalogues.get(key)
    if cat is not None:
        return cat
    with _lock:
        cat = _catalogues.get(key)
        if cat is None:
            cat = load_po(_LOCALE_DIR / lang / f"{domain}.po")
            _catalogues[key] = cat
    return cat


def load_po(path: Path) -> dict[str, str]:
    """Read a ``.po`` file into ``{msgid: msgstr}``, skipping untranslated and fuzzy entries.

    A small reader of the subset our catalogues use (no plural, no context; an
    obsolete ``#~`` entry is ignored) rather than Babel, whose import is a good
    part of a CLI command's start-up; a test holds its result equal to Babel's
    ``read_po`` for every catalogue of the repository.
    """
    if not path.exists():
        return {}
    out: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    key = ""
    fuzzy = False

    def finish() -> None:
        msgid, msgstr = "".join(entry.get("msgid", [])), "".join(entry.get("msgstr", []))
        if msgid and msgstr and not fuzzy and "msgid_plural" not in entry \
                and "msgctxt" not in entry:
            out[msgid] = msgstr

    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if "msgstr" in entry:  # a blank line or a comment ends the entry
                finish()
                entry, fuzzy = {}, False
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                fuzzy = True
            continue
        if line.startswith('"'):
            entry.setdefault(key, []).append(_po_string(line))
            continue
        key, _, rest = line.partition(" ")
        if key == "msgid" and "msgstr" in entry:
            finish()
            entry, fuzzy = {}, False
        entry[key] = [_po_string(rest.strip())]
    if entry:
        finish()
    return out


_PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _po_string(quoted: str) -> str:
    """The text of one ``"…"`` of a ``.po`` file, its escapes read as Babel reads them."""
    body = quoted[1:-1]
    if "\\" not in body:
        return body
    import re

    return re.sub(r"\\(.)", lambda m: _PO_ESCAPES.get(m.group(1), m.group(0)), body)


def translate(domain: str, msgid: str, lang: str | None = None) -> str:
    lang = lang or get_language()
    if lang == "en":
        return msgid
    return _catalogue(domain, lang).get(msgid, msgid)


#: Unicode categories of characters a reader cannot see, or that move the text
#: around them: control characters (terminal escapes), format characters (bidi
#: overrides such as U+202E, zero-width spaces such as U+200B), surrogates,
#: private-use and unassigned code points, line and paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def visible(text: str) -> str:
    """``text`` with each hidden character written as its code point (``U+202E``).

    Line breaks and tabs are kept.  Every value a message quotes goes through it
    (``tr`` does it), so a name typed with a right-to-left override or a
    zero-width space is shown for what it is, and cannot reorder or hide the
    rest of the message.
    """
    if text.isprintable():
        return text
    import unicodedata

    return "".join(f"U+{ord(ch):04X}" if ch not in "\n\t"
                   and unicodedata.category(ch) in _HIDDEN else ch for ch in text)


def translator(domain: str) -> Callable[..., str]:
    """Return ``tr(msgid, **params)`` bound to one catalogue domain.

    Text parameters are quoted with ``visible``: they are what users typed.
    """

    def tr(msgid: str, /, **params: object) -> str:
        text = translate(domain, msgid)
        if not params:
            return text
        return text.format(**{key: visible(value) if isinstance(value, str) else value
                              for key, value in params.items()})

    tr.domain = domain  # type: ignore[attr-defined]
    return tr


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it now (module-level tables)."""
    return msgid


def amount_text(value: object) -> str:
    """A sum of money as people read it here: ``1 000`` or ``1 000,50`` (French),
    ``1,000`` or ``1,000.50`` (English); anything else as it is.

    One function for the screens, the CLI and the printed receipt, which showed
    the same fee as "1000.00", "1000.0" and "1 000" (issue 13, bug 12).
    """
    from decimal import Decimal, InvalidOperation

    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        return str(value)
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return str(value)
    text = f"{amount:,.0f}" if amount == amount.to_integral() else f"{amount:,.2f}"
    if get_language() == "fr":  # narrow no-break space between thousands, decimal comma
        text = text.replace(",", "\u202f").replace(".", ",")
    return text
