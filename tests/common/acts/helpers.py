"""Helpers for the acts tests: change one value of an example at a dotted path."""

from __future__ import annotations

import copy
import re
from typing import Any

DELETE = object()


def mutate(data: dict[str, Any], *changes: tuple[str, Any]) -> dict[str, Any]:
    """A deep copy of ``data`` with each ``(path, value)`` set (``DELETE`` removes the key).

    Paths are dotted with list indexes: ``"spouses[1].birth_date"``; missing
    intermediate objects are created.
    """
    out = copy.deepcopy(data)
    for path, value in changes:
        parts = path.split(".")
        node: Any = out
        for part in parts[:-1]:
            node = _step(node, part, create=True)
        last = parts[-1]
        m = re.fullmatch(r"(\w+)\[(\d+)\]", last)
        if m:
            container, index = node[m.group(1)], int(m.group(2))
            if value is DELETE:
                del container[index]
            else:
                container[index] = value
        elif value is DELETE:
            node.pop(last, None)
        else:
            node[last] = value
    return out


def _step(node: Any, part: str, *, create: bool) -> Any:
    m = re.fullmatch(r"(\w+)\[(\d+)\]", part)
    if m:
        return node[m.group(1)][int(m.group(2))]
    if part not in node and create:
        node[part] = {}
    return node[part]
