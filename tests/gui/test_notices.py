"""The Notices page (issue 15): an officer reads what the SCEC said about the centre's acts.

The notice is recorded the way the transmitter records one from a NOTICE
container (``ecr.receive_notice``, owner role; the delivery itself, online and
by T2D, is tested in tests/faults/test_notices.py); the officer opens the page,
reads it in French with the centre's own act named by its register number,
marks it read, and the page and the audit say who did.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest

from tests.gui.conftest import AGENT, OFFICER, Hands, log_in, texts_on_screen
from tests.gui.test_features import seed_validated

pytestmark = [pytest.mark.gui, pytest.mark.timeout(180)]


def test_the_officer_reads_a_possible_duplicate_and_marks_it_read(
        app: Any, hands: Hands, fresh_db: str) -> None:
    _, niu = seed_validated(app)
    other = "2240092026000000012"
    with psycopg.connect(fresh_db) as conn:
        assert conn.execute("SELECT ecr.receive_notice('possible_duplicate', %s, %s, '224009',"
                            " 'd:7', 'birth', %s)", (niu, other, uuid.uuid4())).fetchone() == (
            True,)
    bench = log_in(hands, app, OFFICER)
    hands.click(bench.nav_buttons["notices"])
    page = bench.current
    assert page.view_id == "notices"
    [row] = page.notices.get_children()
    shown = " ".join(texts_on_screen(page)) + " " + str(page.notices.item(row, "text"))
    assert "224009" in shown and "Naissance n° 1/2026" in shown and "Doublon possible" in shown
    assert "non lu" in page.notices.item(row, "values")
    assert str(page.read_button.cget("state")) == "disabled"  # nothing chosen yet
    page.notices.selection_set(row)
    hands.pump(0.2)
    assert "SCEC examine" in str(page.detail.cget("text"))
    hands.click(page.read_button)
    hands.pump(0.2)
    assert page.notices.get_children() == ()
    assert "Aucun avis du SCEC non lu" in str(page.detail.cget("text"))
    hands.click(page.all_box)
    hands.pump(0.2)
    [row] = page.notices.get_children()
    assert OFFICER[1] in " ".join(map(str, page.notices.item(row, "values")))
    with psycopg.connect(fresh_db) as conn:
        actions = [str(a) for (a,) in conn.execute(
            "SELECT action FROM ecr.audit_log WHERE user_number = %s AND action LIKE"
            " 'notice.%%' ORDER BY seq", (OFFICER[0],))]
    assert "notice.mark_read" in actions and "notice.read" in actions


def test_an_agent_has_no_notices_page(app: Any, hands: Hands) -> None:
    bench = log_in(hands, app, AGENT)
    assert "notices" not in bench.nav_buttons
