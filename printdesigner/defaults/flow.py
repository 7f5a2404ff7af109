"""Laying out an act's sections on paper, straight from the data dictionary.

The body of a civil-status document is its sections (event, child, mother…), each
a heading followed by "label : value" rows.  Which rows exist comes from the
``EventType`` only: this module walks its sections and groups and never names a
field, so a field appended to the dictionary appears on every default document.
``Flow`` places the rows down the page in one or two columns and opens a new
page when the body area is full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from common.acts.blocks import EXTRA_TAG
from common.acts.model import EventType, Field, Group, Kind, Section
from printdesigner.model import DataField, Line, StaticText, TextStyle

LABEL = TextStyle(font="sans", size=6.8, color="#404040", fit="wrap_shrink", min_size=4.5,
                  line_spacing=1.05)
VALUE = TextStyle(font="serif", size=8.6, bold=True, fit="wrap_shrink", min_size=4,
                  line_spacing=1.05)
HEADING = TextStyle(font="sans", size=8.2, bold=True, fit="shrink", min_size=6)
SUBHEADING = TextStyle(font="sans", size=7.2, bold=True, italic=True, fit="shrink", min_size=5)

ROW_MM = 4.6
HEADING_MM = 6.0
GAP_MM = 1.2
#: A repeated group with at most this many items prints each item on its own rows
#: (both spouses); a longer one (witnesses, lines of the cause) joins the items.
EXPAND_UP_TO = 2


@dataclass(frozen=True)
class Row:
    """One value to print: its label, dictionary path, format and width class."""

    label: str
    path: str
    format: str
    wide: bool
    separator: str = ", "


@dataclass(frozen=True)
class Heading:
    text: str
    major: bool  # a section heading (True) or an item of a repeated group (False)


Item = Row | Heading
LeafFilter = Callable[[str, Field, tuple[Field | Group, ...]], bool]


def every_leaf(path: str, leaf: Field, siblings: tuple[Field | Group, ...]) -> bool:
    return True


def identity_leaf(path: str, leaf: Field, siblings: tuple[Field | Group, ...]) -> bool:
    """What an extract keeps: names, dates, times, sex, and the localities of places.

    A locality is a text leaf next to an administrative-area code: the places of
    birth, of the event and of residence.  Statistical fields (education,
    weights, counts: the fields an event adds to a person block take tags from
    ``blocks.EXTRA_TAG``) and certification details stay on the full copy only.
    """
    person = any(isinstance(s, Field) and s.kind is Kind.NAME for s in siblings)
    if person and leaf.tag >= EXTRA_TAG:
        return False  # what an event adds to a person (weights, counts, relation…)
    if leaf.kind in (Kind.NAME, Kind.DATE, Kind.TIME):
        return True
    if leaf.kind is Kind.CODE and leaf.code_list == "sex":
        return True
    return leaf.kind is Kind.TEXT and any(
        isinstance(s, Field) and s.kind is Kind.AREA for s in siblings)


def value_format(leaf: Field) -> str:
    """Dates and times in words, as an act writes them; the rest by their kind."""
    if leaf.kind is Kind.DATE:
        return "date_words_bare"
    if leaf.kind is Kind.TIME:
        return "time_words"
    return "auto"


def _wide(leaf: Field) -> bool:
    return leaf.kind in (Kind.DATE, Kind.TEXT, Kind.TIME, Kind.NAME)


def section_items(event: EventType, section: Section, lang: str,
                  keep: LeafFilter = every_leaf) -> list[Item]:
    """The heading and rows of one section (empty when the filter keeps nothing)."""
    rows: list[Item] = []
    for member in section.members:
        node = event.root.child(member)
        if node is None:
            continue
        if isinstance(node, Field):
            if keep(member, node, event.root.children):
                rows.append(Row(node.label(lang), member, value_format(node), _wide(node)))
            continue
        own_label = node.label(lang) != section.label(lang)
        rows.extend(_group_items(node, member, [node.label(lang)] if own_label else [], lang,
                                 keep))
    return [Heading(section.label(lang).upper(), True), *rows] if rows else []


def _group_items(group: Group, path: str, prefix: list[str], lang: str,
                 keep: LeafFilter) -> Iterator[Item]:
    """A group's rows; a nested group gets a small heading naming it, not longer labels."""
    if group.repeated and (group.repeat_max or 0) <= EXPAND_UP_TO:
        for index in range(group.repeat_max or 0):
            inner = list(_children(group, f"{path}[{index}]", lang, keep, ", "))
            if inner:
                yield Heading(" › ".join([*prefix[:-1], f"{group.label(lang)} {index + 1}"]),
                              False)
                yield from inner
        return
    separator = " ; " if group.repeated else ", "
    inner = list(_children(group, f"{path}[]" if group.repeated else path, lang, keep,
                           separator))
    if inner and prefix:
        yield Heading(" › ".join(prefix), False)
    yield from inner


def _children(group: Group, path: str, lang: str, keep: LeafFilter,
              separator: str) -> Iterator[Item]:
    leaves: list[Item] = []
    nested: list[Item] = []
    for child in group.children:  # declaration order: the order of the form
        child_path = f"{path}.{child.name}"
        if isinstance(child, Field):
            if keep(child_path, child, group.children):
                leaves.append(Row(child.label(lang), child_path, value_format(child),
                                  _wide(child), separator))
        else:
            nested.extend(_group_items(child, child_path, [child.label(lang)], lang, keep))
    # The group's own fields first, then its sub-groups under their headings.
    yield from leaves
    yield from nested


@dataclass
class Area:
    """A rectangle of a page into which rows flow (mm)."""

    x: float
    top: float
    width: float
    bottom: float


class Flow:
    """Places items down successive pages; ``new_page`` is called for each extra page."""

    def __init__(self, first: Area, next_area: Area, label_ratio: float = 0.36) -> None:
        self.pages: list[list[object]] = [[]]
        self.area = first
        self.next_area = next_area
        self.y = first.top
        self.column = 0  # 0: left or full width; 1: right half pending
        self.label_ratio = label_ratio
        self.counter = 0

    def _id(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}-{self.counter}"

    def _room(self, height: float) -> None:
        if self.y + height > self.area.bottom:
            self.pages.append([])
            self.area = self.next_area
            self.y = self.area.top
            self.column = 0

    def _finish_half(self) -> None:
        if self.column == 1:
            self.y += ROW_MM
            self.column = 0

    def add(self, item: Item) -> None:
        if isinstance(item, Heading):
            self._finish_half()
            height = HEADING_MM if item.major else ROW_MM
            self._room(height + ROW_MM)
            if item.major:
                self.y += GAP_MM
            self.y = round(self.y, 2)
            style = HEADING if item.major else SUBHEADING
            self.pages[-1].append(StaticText(self._id("heading"), self.area.x, self.y,
                                             self.area.width, height - 1.4, text=item.text,
                                             style=style))
            if item.major:
                self.pages[-1].append(Line(self._id("rule"), self.area.x, self.y + height - 1.2,
                                           self.area.width, 0, thickness=0.2, color="#606060"))
            self.y += height
            return
        if item.wide:
            self._finish_half()
            self._room(ROW_MM)
            self._row(item, self.area.x, self.area.width)
            self.y += ROW_MM
            return
        half = (self.area.width - 4) / 2
        if self.column == 0:
            self._room(ROW_MM)
            self._row(item, self.area.x, half)
            self.column = 1
        else:
            self._row(item, self.area.x + half + 4, half)
            self.column = 0
            self.y += ROW_MM

    def _row(self, row: Row, x: float, width: float) -> None:
        label_w = 30.0 if width > 60 else round(width * self.label_ratio, 2)
        height = ROW_MM - 0.5
        self.y = round(self.y, 2)
        self.pages[-1].append(StaticText(self._id("label"), x, self.y, label_w - 1, height,
                                         text=f"{row.label} :", style=LABEL))
        self.pages[-1].append(DataField(self._id("value"), x + label_w, self.y, width - label_w,
                                        height, path=row.path, format=row.format, style=VALUE,
                                        empty="—", separator=row.separator))

    def close(self) -> float:
        self._finish_half()
        return self.y
