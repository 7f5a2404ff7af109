"""The dictionary only grows: nothing a stored act or a compact encoding relies on may move.

``dictionary_manifest.txt`` is the committed manifest (tags, positions, kinds, code
order).  Every one of its lines must still be in the current manifest.  After
APPENDING fields or codes, bump ``DICTIONARY_VERSION`` and rewrite the file::

    .venv/bin/python -m tests.common.acts.test_dictionary_stability --write
"""

from __future__ import annotations

import sys
from pathlib import Path

from common.acts.dictionary import DICTIONARY_VERSION, fingerprint, manifest

SNAPSHOT = Path(__file__).with_name("dictionary_manifest.txt")


def _committed() -> list[str]:
    return SNAPSHOT.read_text("utf-8").splitlines()


def test_nothing_of_the_committed_dictionary_was_removed_renumbered_or_reordered() -> None:
    current = set(manifest())
    lost = [line for line in _committed()[1:] if line not in current]
    assert lost == [], "the dictionary is append-only; these lines changed:\n" + "\n".join(lost)


def test_a_grown_dictionary_has_a_new_version_and_a_new_snapshot() -> None:
    committed = _committed()
    if list(manifest()) != committed:
        assert DICTIONARY_VERSION > int(committed[0].split()[1]), "bump DICTIONARY_VERSION"
        raise AssertionError("the dictionary grew: rewrite the snapshot (see module docstring)")


def test_the_fingerprint_is_stable_between_calls() -> None:
    assert fingerprint() == fingerprint()
    assert len(fingerprint()) == 16


if __name__ == "__main__" and "--write" in sys.argv:
    SNAPSHOT.write_text("\n".join(manifest()) + "\n", "utf-8")
