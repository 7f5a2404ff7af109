"""Filling a generated act form the way a clerk does: field by field, with the keyboard.

Walks an act's data (never a hand-written list of fields) and, for each value,
opens the folded group, adds the repeated item, types the text or the date as
jj/mm/aaaa, or picks the label in the dropdown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from common.acts.dictionary import CODE_LISTS
from common.acts.model import Kind
from ecr_tk.ui.actform import ActForm, Block, Repeat
from ecr_tk.ui.leaves import BoolInput, ChoiceInput, CountryInput
from tests.gui.conftest import Hands


def fill_form(hands: Hands, form: ActForm, data: Mapping[str, Any]) -> None:
    _fill_group(hands, form, "", data)
    hands.pump(0.05)


def _fill_group(hands: Hands, form: ActForm, prefix: str, data: Mapping[str, Any]) -> None:
    for name, value in data.items():
        path = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            block = form.block(path)
            assert isinstance(block, Block)
            if block.toggle is not None and not block.is_open():
                hands.click(block.toggle)
            _fill_group(hands, form, path, value)
        elif isinstance(value, list):
            repeat = form.block(path)
            assert isinstance(repeat, Repeat)
            while len(repeat.items) < len(value):
                hands.click(repeat.add_button)
            for index, item in enumerate(value):
                _fill_group(hands, form, f"{path}[{index}]", item)
        else:
            type_value(hands, form, path, value)


def type_value(hands: Hands, form: ActForm, path: str, value: Any) -> None:
    leaf = form.leaf(path)
    widget = leaf.input.focus_widget
    kind = leaf.field.kind
    if isinstance(leaf.input, BoolInput):
        hands.choose(widget, "Oui" if value else "Non")  # type: ignore[arg-type]
    elif isinstance(leaf.input, CountryInput):
        label = next(lab for key, lab in leaf.input.box.choices if key == value)
        hands.choose(widget, label)  # type: ignore[arg-type]
    elif isinstance(leaf.input, ChoiceInput):
        assert leaf.field.code_list is not None
        code = CODE_LISTS[leaf.field.code_list].code(value)
        assert code is not None, f"{path}: {value!r} is not in {leaf.field.code_list}"
        hands.choose(widget, code.label())  # type: ignore[arg-type]
    elif kind is Kind.DATE:
        hands.type_into(widget, dt.date.fromisoformat(value).strftime("%d/%m/%Y"))
    else:
        hands.type_into(widget, str(value))
    hands.leave(widget)
