"""Every sentence the program shows must exist in French, the default language."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from common.i18n import set_language, translate, translator, using_language

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import i18n_check


def test_every_translated_message_has_a_french_translation() -> None:
    lacking = i18n_check.missing("fr")
    listing = "\n".join(
        f"{domain}: {msgid!r} at {where[0]}"
        for domain, msgs in sorted(lacking.items())
        for msgid, where in sorted(msgs.items())
    )
    assert not lacking, ("messages without French translation "
                         "(run tools/i18n_check.py --update):\n" + listing)


def test_english_is_the_message_id_and_french_the_default(tmp_path: Path) -> None:
    tr = translator("centre")
    set_language("en")
    try:
        text = tr("ecr: internal error (a bug): please report it with the text above")
        assert text.startswith("ecr:")
    finally:
        set_language("fr")
    assert translate("no-such-domain", "Unknown text") == "Unknown text"


def test_a_thread_can_render_in_another_language() -> None:
    with using_language("en"):
        assert translate("centre", "Password: ") == "Password: "


def test_unsupported_language_is_refused() -> None:
    with pytest.raises(ValueError):
        set_language("de")


def test_a_sum_of_money_reads_the_same_on_screen_in_the_cli_and_on_paper() -> None:
    """Issue 13, bug 12: "1000.00 XOF" on screen, "1 000 XOF" on the receipt."""
    from decimal import Decimal

    from common.i18n import amount_text, using_language
    from ecr_tk.labels import money_text
    from printdesigner.formats import format_value

    with using_language("fr"):
        assert money_text(Decimal("1000.00"), "XOF") == "1\u202f000 XOF"
        assert amount_text(Decimal("1234.5")) == "1\u202f234,50"
    with using_language("en"):
        assert amount_text(Decimal("1234.5")) == "1,234.50"
    assert amount_text("not a number") == "not a number"
    with using_language("fr"):  # the printed receipt writes an amount the same way
        assert format_value(Decimal("1000.00"), "auto") == "1\u202f000"
