"""``ecr demo``: a ready-to-explore centre with staff and realistic acts.

The acts come from the dictionary's corpus generator (``common.acts.generator``)
and go through the real workflow and API — drafted by the agents, verified by
the secretaries, validated by the officer (some left at each stage, a few
rejected), a few copies issued — so the demo's database looks like a centre's
after some months of work, audit trail included.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from common.acts.generator import generate_acts

from .centre import Centre
from .errors import InvalidAct

DEMO_CENTRE = "999001"
DEMO_NAME = "Centre d'état civil de démonstration"
DEMO_PLACE = {"country_name": "République de démonstration", "locality": "Ville-Exemple",
              "area_name": "Région de démonstration"}
DEMO_PASSWORD = "demo-password"  # noqa: S105 - the demo prints it: sample data only
# (number, name, role) of the demo centre's staff
DEMO_STAFF = ((1, "Awa Diop", "officer"), (2, "Moussa Fall", "secretary"),
              (3, "Aminata Ba", "secretary"), (4, "Fatou Sarr", "agent"),
              (5, "Ibrahima Ndiaye", "agent"), (6, "Khady Sow", "agent"))


def build_demo(home: str | Path | None, dsn: str | None, *, acts: int = 200, seed: int = 1,
               workstation: str | None = None) -> dict[str, Any]:
    """Create the demo centre in ``home`` and fill it; returns what was made."""
    officer_number, officer_name, _ = DEMO_STAFF[0]
    with Centre.init(home, DEMO_CENTRE, DEMO_NAME, officer_number, officer_name, DEMO_PASSWORD,
                     dsn=dsn, workstation=workstation) as centre:
        officer = centre.login(officer_number, DEMO_PASSWORD)
        for key, value in DEMO_PLACE.items():  # what its copies print in their heading
            officer.settings.set(f"centre.{key}", value)
        for number, name, role in DEMO_STAFF[1:]:
            officer.users.add(number, name, role, DEMO_PASSWORD)
        sessions = {n: centre.login(n, DEMO_PASSWORD) for n, _, _ in DEMO_STAFF[1:]}
        secretaries = [sessions[n] for n, _, r in DEMO_STAFF if r == "secretary"]
        agents = [sessions[n] for n, _, r in DEMO_STAFF if r == "agent"]
        today = dt.date.today()
        made = 0
        skipped = 0
        validated: list[int] = []
        for generated in generate_acts(max(acts, 0) * 2 + 10, seed=seed,
                                       centre_code=DEMO_CENTRE,
                                       year_range=(today.year - 1, today.year), today=today):
            if made >= acts:
                break
            agent = agents[made % len(agents)]
            secretary = secretaries[made % len(secretaries)]
            try:
                draft = agent.acts.draft(generated.event_type, generated.data,
                                         confirm_duplicates=True)
            except InvalidAct:
                # registered today rather than on the generator's date: a few become
                # delayed without a court decision, and are rightly refused
                skipped += 1
                continue
            act_id = draft.id
            assert act_id is not None
            made += 1
            stage = made % 20
            if stage == 0:
                continue  # left as a draft
            if stage == 1:
                secretary.acts.reject(act_id, "Pièce justificative manquante")
                continue
            secretary.acts.verify(act_id)
            if stage == 2:
                continue  # waiting for the officer
            officer.acts.validate(act_id)
            validated.append(act_id)
        for i, act_id in enumerate(validated[:10]):
            secretaries[i % len(secretaries)].copies.issue(
                act_id, ("full", "extract_with_filiation")[i % 2], "Demandeur de démonstration")
        counts = Counter(s.status for s in _all_summaries(officer))
        for s in (officer, *sessions.values()):
            s.logout()
        return {
            "centre": centre.identity.code, "name": centre.identity.name,
            "home": str(centre.home.path if centre.home else ""),
            "password": DEMO_PASSWORD,
            "users": [{"number": n, "name": name, "role": r} for n, name, r in DEMO_STAFF],
            "acts": made, "refused_by_validation": skipped, "acts_by_status": dict(counts),
        }


def _all_summaries(officer: Any) -> list[Any]:
    from .values import SearchCriteria

    out: list[Any] = []
    page = 0
    while True:
        found = officer.search(SearchCriteria(page=page, page_size=200))
        out += found
        if len(found) < 200:
            return out
        page += 1
