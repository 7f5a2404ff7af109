"""The designer from the officer's menu: templates saved as versions in the centre database."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Iterator

import psycopg
import pytest

from ecr_tk.services import Centre
from printdesigner.designer.app import open_designer
from printdesigner.store import StoreError
from tests.printdesigner.test_designer import pump
from tests.printdesigner.test_store import (  # noqa: F401  (fixtures)
    OFFICER,
    PASSWORDS,
    app_conn,
    centre,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def root(xvfb_display: str) -> Iterator[tk.Tk]:
    window = tk.Tk()
    window.withdraw()
    yield window
    window.destroy()


def test_the_officer_opens_a_default_saves_versions_and_a_stale_window_is_refused(
        root: tk.Tk, centre: Centre, app_conn: psycopg.Connection) -> None:  # noqa: F811
    officer = centre.login(OFFICER, PASSWORDS[OFFICER])
    store = officer.templates()
    first = open_designer(root, store=store)
    pump(root, 0.2)
    choices = {key: version for key, _label, version in first.centre_choices()}
    assert choices["birth.full"] is None and "marriage.extract_filiation" not in choices
    first.load_choice("birth.extract", None)
    first.editor.select(["title"])
    first.editor.nudge(0, 1)
    assert first.save().version == 1
    first.editor.nudge(0, 1)
    assert first.save().version == 2
    second = open_designer(root, store=store)
    second.load_choice("birth.extract", 2)
    assert second.editor.template.version == 2
    first.editor.nudge(0, 1)
    first.save()  # version 3
    second.editor.select(["title"])
    second.editor.nudge(1, 0)
    with pytest.raises(StoreError) as info:
        second.save()
    assert info.value.rule == "template_changed"
    assert [v[0] for v in store.versions("birth.extract")] == [3, 2, 1]
