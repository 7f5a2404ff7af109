"""The desktop application driven like its users: login, queues, act forms, workflow.

A real centre in its own PostgreSQL database; real Tk windows on Xvfb; every
step is a key typed or a button pressed, every check is what the screen shows.
"""

from __future__ import annotations

import tkinter as tk
from typing import Any

import pytest

from common.i18n import translate
from tests.gui.conftest import (
    AGENT,
    OFFICER,
    SECRETARY,
    Hands,
    find_button,
    has_button,
    log_in,
    valid_act,
    wait_for,
)
from tests.gui.driving import fill_form

pytestmark = [pytest.mark.gui, pytest.mark.timeout(240)]


def nav_texts(bench: Any) -> list[str]:
    return [str(b.cget("text")) for b in bench.nav_buttons.values()]


def press_ctrl(hands: Hands, widget: tk.Misc, key: str) -> None:
    widget.focus_force()
    hands.pump(0)
    widget.event_generate(f"<Control-{key}>")
    hands.pump(0.1)


def test_an_agent_drafts_a_birth_the_secretary_verifies_it_the_officer_validates_it(
        app: Any, hands: Hands) -> None:
    data = valid_act("birth")
    # --- the agent
    bench = log_in(hands, app, AGENT)
    assert "Awa Diop" in str(bench.user_label.cget("text"))
    assert "Agent" in str(bench.user_label.cget("text"))
    nav = nav_texts(bench)
    assert "Nouvel acte" in nav and any(t.startswith("Mes brouillons") for t in nav)
    assert not any(t.startswith(("Actes à vérifier", "Actes à valider", "Utilisateurs",
                                 "Paramètres")) for t in nav)
    hands.click(bench.nav_buttons["act.new"])
    hands.click(bench.current.event_buttons["birth"])
    editor = bench.current
    assert editor.view_id == "act.edit"
    fill_form(hands, editor.form, data)
    press_ctrl(hands, editor.form.leaf("occurred_on").input.focus_widget, "s")
    wait_for(hands, lambda: editor.act_id is not None, what="the draft to be saved")
    assert "n° 1 / " in editor.messages.text
    assert bench.nav_buttons["queue.my_drafts"].cget("text").endswith("(1)")
    hands.click(bench.logout_button)
    # --- the secretary
    bench = log_in(hands, app, SECRETARY)
    assert str(bench.nav_buttons["queue.to_verify"].cget("text")).endswith("(1)")
    hands.click(bench.nav_buttons["queue.to_verify"])
    queue = bench.current
    hands.press(queue.table.tree, "Return")
    view = bench.current
    assert view.view_id == "act.view"
    assert has_button(view, "Vérifier (Ctrl+Entrée)")
    assert not has_button(view, "Valider (Ctrl+Entrée)")
    assert view.sheet.values["child.surname"] == data["child"]["surname"]
    hands.click(find_button(view, "Vérifier (Ctrl+Entrée)"))
    assert "NIU" in bench.current.messages.text
    assert str(bench.nav_buttons["queue.to_verify"].cget("text")).endswith("(0)")
    hands.click(bench.logout_button)
    # --- the officer
    bench = log_in(hands, app, OFFICER)
    assert str(bench.nav_buttons["queue.to_validate"].cget("text")).endswith("(1)")
    hands.click(bench.nav_buttons["queue.to_validate"])
    hands.press(bench.current.table.tree, "Return")
    view = bench.current
    assert not has_button(view, "Vérifier (Ctrl+Entrée)")
    hands.answer_dialog("yes", lambda: hands.click(find_button(view, "Valider (Ctrl+Entrée)")))
    assert "validé" in hands.last_dialog_text
    assert "validé" in bench.current.messages.text
    found = app.session.search(_criteria(surname=data["child"]["surname"]))
    assert [a.status for a in found if a.register_number.startswith("n° 1 /")] == ["validated"]


def _criteria(**kw: Any) -> Any:
    from ecr_tk.services.values import SearchCriteria

    return SearchCriteria(**kw)


def test_validation_asks_first_and_cancelling_changes_nothing(app: Any, hands: Hands) -> None:
    from ecr_tk.services.centre import Centre

    with Centre.open(app.home.path) as centre:
        with centre.login(AGENT[0], AGENT[2]) as agent:
            act_id = agent.acts.draft("birth", valid_act("birth")).id
        with centre.login(SECRETARY[0], SECRETARY[2]) as secretary:
            secretary.acts.verify(act_id)
    bench = log_in(hands, app, OFFICER)
    bench.open("act.view", act_id=act_id, queue="to_validate")
    hands.pump(0.1)
    view = bench.current
    hands.answer_dialog("no", lambda: hands.click(find_button(view, "Valider (Ctrl+Entrée)")))
    assert app.session.acts.show(act_id).status == "verified"


def test_a_suspended_user_cannot_log_in(app: Any, hands: Hands) -> None:
    bench = log_in(hands, app, OFFICER)
    hands.click(bench.nav_buttons["users"])
    users = bench.current
    users.select_number(AGENT[0])
    hands.pump(0.05)
    hands.answer_dialog("yes", lambda: hands.click(users.actions["suspend"]))
    assert any("Suspendu" in str(users.tree.item(i, "values")) for i in users.tree.get_children())
    hands.click(bench.logout_button)
    from ecr_tk.ui.login import LoginView

    login = wait_for(hands, lambda: isinstance(app.stage, LoginView) and app.stage)
    hands.type_into(login.number, str(AGENT[0]))
    hands.type_into(login.password, AGENT[2])
    hands.click(login.login_button)
    assert app.stage is login
    # the service's own sentence, in the user's language (its catalogue is the services')
    assert str(login.status.cget("text")) == translate("centre", "This user is suspended")


def test_a_wrong_password_is_refused_with_a_plain_message(app: Any, hands: Hands) -> None:
    from ecr_tk.ui.login import LoginView

    login = wait_for(hands, lambda: isinstance(app.stage, LoginView) and app.centre and app.stage)
    hands.type_into(login.number, str(AGENT[0]))
    hands.type_into(login.password, "not-the-password")
    hands.press(login.password, "Return")
    assert isinstance(app.stage, LoginView)
    assert str(login.status.cget("text")) == translate("centre", "Wrong user number or password")
    assert login.password.get() == ""


def test_an_invalid_date_cannot_be_saved(app: Any, hands: Hands) -> None:
    bench = log_in(hands, app, AGENT)
    hands.click(bench.nav_buttons["act.new"])
    hands.click(bench.current.event_buttons["birth"])
    editor = bench.current
    data = valid_act("birth")
    fill_form(hands, editor.form, data)
    date_entry = editor.form.leaf("occurred_on").input.focus_widget
    hands.type_into(date_entry, "31/02/2024")  # the 2 of February is refused …
    assert editor.form.leaf("occurred_on").input.text() != "31/02/2024"
    hands.type_into(date_entry, "12/05/20")  # … and an incomplete date is not a date
    press_ctrl(hands, date_entry, "s")
    assert editor.act_id is None
    assert "ne peut pas encore être enregistré" in editor.messages.text
    assert "incomplète" in str(editor.form.leaf("occurred_on").message.cget("text")).lower()
    assert app.session.acts.queue("my_drafts") == []


@pytest.mark.parametrize("event_type", ["birth", "death", "foetal_death", "marriage", "divorce",
                                        "annulment", "judicial_separation", "adoption",
                                        "legitimation", "recognition"])
def test_every_event_form_opens_and_saves_a_valid_act(app: Any, hands: Hands,
                                                      event_type: str) -> None:
    bench = log_in(hands, app, AGENT)
    hands.click(bench.nav_buttons["act.new"])
    hands.click(bench.current.event_buttons[event_type])
    editor = bench.current
    data = valid_act(event_type)
    fill_form(hands, editor.form, data)
    hands.click(editor.save_button)
    wait_for(hands, lambda: editor.act_id is not None, what="the act to be saved")
    stored = app.session.acts.show(editor.act_id)
    assert stored.event_type == event_type
    assert stored.data == data
    assert stored.status == "draft"


def test_the_secretary_verifies_a_queue_with_ctrl_enter_act_after_act(
        app: Any, hands: Hands) -> None:
    from ecr_tk.services.centre import Centre

    with Centre.open(app.home.path) as centre, centre.login(AGENT[0], AGENT[2]) as agent:
        ids = [agent.acts.draft(e, valid_act(e), confirm_duplicates=True).id
               for e in ("birth", "death")]
    bench = log_in(hands, app, SECRETARY)
    hands.click(bench.nav_buttons["queue.to_verify"])
    hands.press(bench.current.table.tree, "Return")
    first = bench.current
    assert first.record.id == ids[0]
    press_ctrl(hands, first, "Return")
    second = bench.current
    assert second.view_id == "act.view" and second.record.id == ids[1]
    assert "NIU" in second.messages.text  # what was done to the first one is said
    press_ctrl(hands, second, "Return")
    hands.press(bench.current, "Escape")
    assert bench.current.view_id == "queue.to_verify"
    assert bench.current.acts == []
    assert [app.session.acts.show(i).status for i in ids] == ["verified", "verified"]
