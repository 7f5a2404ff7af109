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
