from __future__ import annotations

import pytest

from tests.common.pki import factory


@pytest.fixture(scope="session")
def ca():
    return factory.authority()


@pytest.fixture(scope="session")
def centre(ca):
    return factory.centre(ca, "123456")
