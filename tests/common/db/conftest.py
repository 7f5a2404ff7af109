"""Scratch folders for the database tests.

``tmp_path`` is replaced here by a folder of our own in the system temporary
directory: the embedded server runs as ``ecrdb`` when the tests run as root and
must traverse the parents of its data, and pytest resets ``/tmp/pytest-of-root``
to 0700 whenever another pytest session starts on the machine (see
``common.db.testing``).  Embedded servers left under the folder are stopped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from common.db.testing import scratch_folder


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    with scratch_folder() as folder:
        yield folder


@pytest.fixture(scope="module")
def module_tmp_path() -> Iterator[Path]:
    with scratch_folder() as folder:
        yield folder
