"""The generated act form, driven like a clerk: every event, dates, rules, groups, Tab order.

No database here: the form's checker is the data dictionary's own ``validate``
(the services' ``check`` wraps the same function).
"""

from __future__ import annotations

import datetime as dt
import tkinter as tk
from typing import Any

import pytest

from common.acts.dictionary import EVENTS
from common.acts.examples import EXAMPLES
from common.acts.validation import validate
from ecr_tk.ui.actform import ActForm, Block, LocalIssue, Repeat
from ecr_tk.ui.dates import CalendarPopup
from ecr_tk.ui.leaves import ChoiceInput
from tests.gui.conftest import Hands
from tests.gui.driving import fill_form

pytestmark = pytest.mark.gui


class DictionaryReport:
    """The validator's report in the shape the services' ``check`` gives the form."""

    def __init__(self, event_key: str, data: dict[str, Any]) -> None:
        report = validate(event_key, data, today=dt.date.today())
        self.errors = tuple(LocalIssue(p.path, p.message(), p.rule) for p in report.errors)
        self.warnings = tuple(LocalIssue(p.path, p.message(), p.rule, "warning")
                              for p in report.warnings)


def make_form(root: tk.Tk, event_key: str) -> ActForm:
    form = ActForm(root, EVENTS[event_key],
                   checker=lambda data: DictionaryReport(event_key, data))
    form.pack(fill="both", expand=True)
    root.update()
    return form


@pytest.mark.parametrize("event_key", list(EVENTS))
def test_every_event_form_opens_and_gives_back_what_a_clerk_typed(
        root: tk.Tk, hands: Hands, event_key: str) -> None:
    form = make_form(root, event_key)
    example = EXAMPLES[event_key]
    fill_form(hands, form, example)
    assert form.get_data() == example
    errors, _warnings = form.check()
    assert [(e.field, e.rule) for e in errors
            if e.rule != "court_decision_required"] == []


@pytest.mark.parametrize("event_key", list(EVENTS))
def test_every_event_form_shows_a_stored_act_unchanged(root: tk.Tk, event_key: str) -> None:
    form = make_form(root, event_key)
    form.set_data(EXAMPLES[event_key])
    root.update()
    assert form.get_data() == EXAMPLES[event_key]


@pytest.mark.parametrize(("typed", "shown", "reason_part"), [
    ("31/02", "31/0", "29"),  # no 31 February: the 2 is refused
    ("31/04", "31/0", "30"),  # April has 30 days
    ("29/02/2023", "29/02/202", "2023"),  # not a leap year: the last 3 is refused
    ("32", "3", "32"),
    ("12/13", "12/1", "13"),
    ("00", "0", "00"),
])
def test_an_impossible_date_cannot_be_typed(root: tk.Tk, hands: Hands, typed: str, shown: str,
                                            reason_part: str) -> None:
    form = make_form(root, "birth")
    leaf = form.leaf("occurred_on")
    hands.type_into(leaf.input.focus_widget, typed)
    assert leaf.input.text() == shown
    assert reason_part in str(leaf.message.cget("text"))


@pytest.mark.parametrize("typed", ["31/02/2024", "30/02/2020", "29/02/2100", "31/06/2021",
                                   "31/09/2019", "31/11/2018"])
def test_typing_on_after_a_refused_key_never_yields_an_impossible_date(
        root: tk.Tk, hands: Hands, typed: str) -> None:
    form = make_form(root, "birth")
    leaf = form.leaf("occurred_on")
    hands.type_into(leaf.input.focus_widget, typed)
    hands.leave(leaf.input.focus_widget)
    assert leaf.input.text() != typed
    _, problems = form.collect()
    value = form.get_data().get("occurred_on")
    assert value is None or dt.date.fromisoformat(value)  # a real date, or none at all
    assert problems or value is not None


def test_digits_typed_after_a_refused_one_never_slide_into_another_date(
        root: tk.Tk, hands: Hands) -> None:
    """Issue 13, bug 4: "31042025" became "31/05/", and the year typed again gave a
    real but wrong 31/05/2025; the reason was replaced by "Date incomplète" at once."""
    form = make_form(root, "birth")
    leaf = form.leaf("occurred_on")
    entry = leaf.input.focus_widget
    hands.type_into(entry, "31042025")
    assert leaf.input.text() == "31/0"  # nothing after the refused 4
    hands.pump(1.2)  # the as-you-type check has run
    message = str(leaf.message.cget("text"))
    assert "30" in message and "incompl" not in message.lower()
    hands.type_into(entry, "2025", clear=False)
    assert leaf.input.text() == "31/0"
    hands.press(entry, "BackSpace")  # the clerk corrects
    hands.type_into(entry, "30042025")
    assert form.get_data()["occurred_on"] == "2025-04-30"


def test_an_incomplete_date_is_named_when_leaving_the_field_and_refused_at_check(
        root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    leaf = form.leaf("occurred_on")
    hands.type_into(leaf.input.focus_widget, "12/05/20")
    hands.leave(leaf.input.focus_widget)
    hands.pump(0.1)
    assert "incomplète" in str(leaf.message.cget("text")).lower()
    errors, _ = form.check()
    assert ("occurred_on", "unreadable") in {(e.field, e.rule) for e in errors}
    assert "occurred_on" not in form.get_data()


def test_a_date_is_typed_with_or_without_slashes(root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    widget = form.leaf("occurred_on").input.focus_widget
    hands.type_into(widget, "03012026")
    assert form.leaf("occurred_on").input.text() == "03/01/2026"
    hands.type_into(widget, "04/01/2026")
    assert form.get_data()["occurred_on"] == "2026-01-04"


def test_a_rule_is_shown_next_to_the_field_when_the_clerk_leaves_it(
        root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    weight = form.leaf("child.weight_g")
    hands.type_into(weight.input.focus_widget, "150")
    hands.leave(weight.input.focus_widget)
    hands.pump(0.1)
    message = str(weight.message.cget("text"))
    assert "200" in message and message.startswith("Poids")
    # a field not yet visited shows nothing, though it is required and empty
    assert form.leaf("mother.surname").message.cget("text") == ""
    hands.type_into(weight.input.focus_widget, "3150")
    hands.leave(weight.input.focus_widget)
    hands.pump(0.1)
    assert weight.message.cget("text") == ""


def test_a_rule_is_shown_while_typing_after_a_pause(root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    weeks = form.leaf("gestational_weeks")
    hands.type_into(weeks.input.focus_widget, "60")
    hands.pump(0.6)  # the as-you-type check runs after a short pause
    assert "46" in str(weeks.message.cget("text"))


def test_a_date_in_the_future_is_refused_next_to_the_field(root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    leaf = form.leaf("occurred_on")
    future = dt.date.today() + dt.timedelta(days=40)
    hands.type_into(leaf.input.focus_widget, future.strftime("%d/%m/%Y"))
    hands.leave(leaf.input.focus_widget)
    hands.pump(0.1)
    assert leaf.message.cget("text") != ""
    assert ("occurred_on", "date_in_future") in {(e.field, e.rule) for e in form.check()[0]}


def test_required_fields_are_marked_and_others_are_not(root: tk.Tk) -> None:
    form = make_form(root, "birth")
    assert str(form.leaf("child.surname").label.cget("text")).endswith("*")
    assert str(form.leaf("occurred_on").label.cget("text")).endswith("*")
    assert not str(form.leaf("occurred_time").label.cget("text")).endswith("*")


@pytest.mark.parametrize("keys", [{}, {"state": 8}], ids=["Down", "Alt+Down"])  # 8: Mod1 (Alt)
def test_opening_a_required_list_with_the_keyboard_does_not_mark_it_missing(
        root: tk.Tk, hands: Hands, keys: dict[str, int]) -> None:
    """Issue 13, bug 5: the list opened with ↓ or Alt+↓ is not yet "required" (red)."""
    form = make_form(root, "birth")
    leaf = form.leaf("birth_type")
    assert leaf.field.required and isinstance(leaf.input, ChoiceInput)
    box = leaf.input.box
    hands.press(box, "Down", **keys)
    box.event_generate("<KeyRelease-Down>", **keys)
    hands.pump(0.6)  # past the as-you-type check
    popdown = f"{box}.popdown"
    assert root.tk.call("winfo", "ismapped", popdown), "the list did not open"
    listbox = str(root.tk.call("focus"))  # the list's own window (tkinter does not know it)
    assert listbox.startswith(popdown)
    assert leaf.message.cget("text") == ""
    assert str(box.cget("style")) != "Invalid.TCombobox"
    # closed without a choice (Escape), the field is where the clerk still is
    root.tk.call("event", "generate", listbox, "<KeyPress-Escape>")
    hands.pump(0.6)
    assert not root.tk.call("winfo", "ismapped", popdown)
    assert leaf.message.cget("text") == ""
    assert str(box.cget("style")) != "Invalid.TCombobox"
    # leaving it empty is when it is missing
    hands.leave(box)
    hands.pump(0.1)
    assert str(leaf.message.cget("text")) != ""
    assert str(box.cget("style")) == "Invalid.TCombobox"


def test_opening_the_calendar_of_a_required_date_does_not_mark_it_missing(
        root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    leaf = form.leaf("occurred_on")
    assert leaf.field.required
    entry = leaf.input.focus_widget
    hands.press(entry, "Down", state=8)  # Alt+↓
    entry.event_generate("<KeyRelease-Down>", state=8)
    hands.pump(0.6)
    assert str(root.focus_get()).startswith(str(CalendarPopup.for_root(root).top))
    assert leaf.message.cget("text") == ""
    assert str(entry.cget("style")) != "Invalid.TEntry"
    root.focus_get().event_generate("<KeyPress-Escape>")  # type: ignore[union-attr]
    hands.pump(0.2)
    assert leaf.message.cget("text") == ""


def test_code_lists_are_dropdowns_of_labels_storing_keys(root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    leaf = form.leaf("attendant")
    assert isinstance(leaf.input, ChoiceInput)
    assert "Sage-femme" in leaf.input.box.cget("values")
    hands.choose(leaf.input.box, "Sage-femme")
    assert form.get_data()["attendant"] == "midwife"


def test_tab_goes_through_the_fields_in_reading_order(root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    leaves = list(form.leaves())[:12]
    widget: Any = leaves[0].input.focus_widget
    for expected in leaves[1:]:
        widget = widget.tk_focusNext()
        assert widget is expected.input.focus_widget, expected.path


def test_a_field_reached_with_tab_is_scrolled_into_sight(root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    last = list(form.leaves())[-1]
    last.input.focus_widget.focus_force()
    hands.pump(0.1)
    top = last.input.focus_widget.winfo_rooty()
    assert form.page.winfo_rooty() <= top <= form.page.winfo_rooty() + form.page.winfo_height()


def test_witnesses_can_be_added_up_to_four_and_removed_down_to_two(
        root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "marriage")
    witnesses = form.block("witnesses")
    assert isinstance(witnesses, Repeat)
    assert len(witnesses.items) == 2
    hands.click(witnesses.add_button)
    hands.click(witnesses.add_button)
    assert len(witnesses.items) == 4
    assert not witnesses.add_button.winfo_ismapped()
    hands.type_into(form.leaf("witnesses[3].surname").input.focus_widget, "Gueye")
    assert witnesses.items[0].remove_button is not None
    hands.click(witnesses.items[0].remove_button)
    assert len(witnesses.items) == 3
    assert form.get_data()["witnesses"][2]["surname"] == "Gueye"
    hands.click(witnesses.items[0].remove_button)
    assert len(witnesses.items) == 2
    assert not witnesses.items[0].remove_button.winfo_ismapped()


def test_an_optional_group_is_left_out_until_the_clerk_fills_it_in(
        root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    father = form.block("father")
    assert isinstance(father, Block) and father.toggle is not None
    assert "father" not in form.get_data()
    hands.click(father.toggle)
    hands.type_into(form.leaf("father.surname").input.focus_widget, "Ndiaye")
    assert form.get_data()["father"] == {"surname": "Ndiaye"}
    hands.click(father.toggle)  # folded again: left out, but what was typed is kept
    assert "father" not in form.get_data()
    hands.click(father.toggle)
    assert form.get_data()["father"] == {"surname": "Ndiaye"}


def test_names_in_any_script_are_kept_as_typed(root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    hands.type_into(form.leaf("child.surname").input.focus_widget, "N'Diaye-Fall")
    hands.type_into(form.leaf("child.given_names").input.focus_widget, "Ndèye Fatou عائشة")
    child = form.get_data()["child"]
    assert child == {"surname": "N'Diaye-Fall", "given_names": "Ndèye Fatou عائشة"}


def test_a_letter_cannot_be_typed_into_a_number(root: tk.Tk, hands: Hands) -> None:
    form = make_form(root, "birth")
    leaf = form.leaf("child.weight_g")
    hands.type_into(leaf.input.focus_widget, "3a1")
    assert leaf.input.text() == "31"
    assert leaf.message.cget("text") != ""


def test_the_form_fits_a_1024_by_768_screen(root: tk.Tk) -> None:
    form = make_form(root, "marriage")
    root.geometry("834x700")
    root.update()
    assert form.page.body.winfo_reqwidth() <= form.page.canvas.winfo_width() + 2
