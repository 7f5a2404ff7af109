"""Realistic batches of acts, as a centre's transmitter would send them.

Built on ``common.acts.generator`` (seeded, valid acts); used to train the
compression dictionary (``tools/train_wire_dictionary.py``, one seed) and to
measure it (``bench/container.py``, another seed: a dictionary is never
measured on the sample it was trained on).
"""

from __future__ import annotations

import datetime as dt

from common.acts.actjson import ActRecord

#: The seed the shipped dictionaries are trained on.  Benchmarks must use another.
TRAINING_SEED = 20_260_101
#: The default seed of benchmarks and tests (distinct from ``TRAINING_SEED``).
MEASURE_SEED = 7
#: A fixed "today" so that corpora are reproducible on any day.
CORPUS_TODAY = dt.date(2026, 6, 30)


def realistic_records(n: int, *, seed: int, centre_code: str = "123456",
                      today: dt.date | None = None) -> list[ActRecord]:
    """``n`` validated acts of one centre, with their registration envelope.

    ``today`` defaults to ``CORPUS_TODAY`` (reproducible corpora), or the real date
    if that is earlier, so that no act is ever dated in the future.
    """
    today = today or min(CORPUS_TODAY, dt.date.today())
    from common.acts.generator import generate_acts
    from common.acts.niu import make_niu
    from common.acts.timeliness import categorize

    # A transmitter sends acts in the order they were validated: sort the generated
    # acts by registration date, then number them (register number and NIU serial)
    # in that order, as the centre's register would.
    acts = sorted(generate_acts(n, seed=seed, centre_code=centre_code, today=today),
                  key=lambda a: a.registered_on)
    records = []
    per_year: dict[int, int] = {}
    for act in acts:
        occurred = act.data.get("occurred_on")
        timeliness = None
        if isinstance(occurred, str):
            timeliness = categorize(act.event_type, dt.date.fromisoformat(occurred),
                                    act.registered_on)
        year = act.registered_on.year
        number = per_year[year] = per_year.get(year, 0) + 1
        records.append(ActRecord(
            event_type=act.event_type, data=act.data, status="validated",
            niu=make_niu(centre_code, year, number).value, register_number=f"{number}/{year}",
            centre_code=centre_code, registered_on=act.registered_on, timeliness=timeliness,
        ))
    return records
