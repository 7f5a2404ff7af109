"""A tabulation's counts regrouped by a coarser dimension: centres into regions.

The SCEC publishes the centres' very tabulations over the national register
(``xmserver stats``).  Those with a centre column (place of registration) are
also asked per region: each centre's counts are added into its region's (the
SCEC's centre directory says which region a centre is in), the other
dimensions unchanged.  Only counts add up: a measure or a series (rates,
ratios, percentages) is refused rather than summed into a wrong figure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from common.acts.model import Label
from common.i18n import translator
from common.stats.reader import StatisticsError, StatTable

tr = translator("stats")

REGION = ("region", Label("Région", "Region"), None)
#: The region of a centre the directory does not place in one.
NO_REGION = ""


def by_region(table: StatTable, regions: Mapping[str, str]) -> StatTable:
    """``table`` with its ``centre_code`` dimension replaced by the centres' regions."""
    p = table.published
    if p.kind != "tabulation":
        raise StatisticsError(tr("Table {key} holds rates or ratios, which do not add up: "
                                 "it cannot be given per region", key=p.key),
                              field="by_region", rule="not_additive")
    if "centre_code" not in p.column_names:
        raise StatisticsError(tr("Table {key} has no centre column: it cannot be given per "
                                 "region", key=p.key), field="by_region",
                              rule="no_centre_dimension")
    columns = tuple(REGION if c[0] == "centre_code" else c for c in p.columns)
    names = tuple(c[0] for c in columns)
    sums: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in table.rows:
        out = dict(row)
        out["region"] = regions.get(str(row["centre_code"]), NO_REGION) or NO_REGION
        key = tuple(out[n] for n in names if n not in p.values)
        into = sums.get(key)
        if into is None:
            sums[key] = {n: out[n] for n in names}
            continue
        for v in p.values:
            into[v] = _add(into[v], out[v])
    rows = tuple(sorted(sums.values(), key=lambda r: tuple(
        (r[n] is None, str(r[n])) for n in names if n not in p.values)))
    return dataclasses.replace(table, published=dataclasses.replace(p, columns=columns),
                               rows=rows)


def _add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return Decimal(a) + Decimal(b) if isinstance(a, Decimal) or isinstance(b, Decimal) else a + b
