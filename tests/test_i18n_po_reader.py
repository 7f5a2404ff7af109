"""The start-up friendly ``.po`` reader of ``common.i18n`` reads every catalogue
of the repository exactly as Babel's ``read_po`` does."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from common.i18n import load_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(p for p in ROOT.rglob("*.po") if ".venv" not in p.parts)


def babel_catalogue(text: str) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in read_po(io.BytesIO(text.encode("utf-8")))
            if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def test_the_repository_has_catalogues() -> None:
    assert len(CATALOGUES) >= 9


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_reader_gives_babels_catalogue(path: Path) -> None:
    assert load_po(path) == babel_catalogue(path.read_text("utf-8"))


def test_escapes_multiline_fuzzy_and_untranslated_entries_read_as_babel_reads_them(
        tmp_path: Path) -> None:
    text = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            '#: a.py:1\nmsgid "Say \\"hi\\"\\n"\nmsgstr "Dis \\"salut\\"\\n\\t\\\\"\n\n'
            '#, fuzzy\nmsgid "guess"\nmsgstr "devinette"\n\n'
            'msgid "empty"\nmsgstr ""\n\n'
            'msgid ""\n"two "\n"lines"\nmsgstr ""\n"deux "\n"lignes"\n\n'
            '#~ msgid "old"\n#~ msgstr "vieux"\n')
    path = tmp_path / "x.po"
    path.write_text(text, "utf-8")
    assert load_po(path) == babel_catalogue(text) == {
        'Say "hi"\n': 'Dis "salut"\n\t\\', "two lines": "deux lignes"}
