"""Twenty workstations at once: NIUs and register numbers stay unique and gap-free."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from ecr_tk.services import Centre

from .conftest import AGENT, PASSWORDS, SECRETARY, Staff, birth

WORKERS = 20
GIVEN = ("Awa", "Khady", "Mariama", "Fatou", "Aminata", "Ndèye", "Coumba", "Rokhaya", "Astou",
         "Binta", "Dieynaba", "Adama", "Seynabou", "Maimouna", "Oumou", "Safiatou", "Yacine",
         "Penda", "Sokhna", "Bineta")


def _all_at_once(work: Callable[..., Any], args: Sequence[tuple[Any, ...]]) -> list[Any]:
    """Run ``work(*a)`` in one thread per ``a``, all released together; return the results."""
    barrier = threading.Barrier(len(args))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(*a: Any) -> None:
        try:
            value = work(barrier, *a)
            with lock:
                results.append(value)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=a) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    assert not errors, errors
    assert len(results) == len(args)
    return results


def test_twenty_concurrent_workstations_get_unique_gap_free_numbers(
        centre: Centre, staff: Staff, fresh_db: str) -> None:
    assert centre.home is not None
    # 18 more agents make the maximum of 19; the last two workstations share logins
    for n in range(18):
        staff.officer.users.add(100 + n, f"Agent {GIVEN[n]}", "agent", "agent-pass-x")
    logins = [(100 + n, "agent-pass-x") for n in range(18)] + [(AGENT, PASSWORDS[AGENT])] * 2

    def draft(barrier: threading.Barrier, i: int) -> int:
        # each thread is its own workstation: its own pool, its own connection
        with Centre.open(centre.home.path, fresh_db, workstation=f"ws{i}") as c:  # type: ignore[union-attr]
            session = c.login(*logins[i])
            barrier.wait()
            result = session.acts.draft("birth", birth(given=GIVEN[i]), confirm_duplicates=True)
            assert result.id is not None
            return result.id

    def verify(barrier: threading.Barrier, act_id: int) -> str:
        with Centre.open(centre.home.path, fresh_db) as c:  # type: ignore[union-attr]
            session = c.login(SECRETARY, PASSWORDS[SECRETARY])
            barrier.wait()
            return session.acts.verify(act_id)

    ids = _all_at_once(draft, [(i,) for i in range(WORKERS)])
    nius = _all_at_once(verify, [(i,) for i in ids])

    assert len(set(nius)) == WORKERS
    assert sorted(int(niu[10:17]) for niu in nius) == list(range(1, WORKERS + 1))
    assert all(niu[:6] == centre.identity.code for niu in nius)
    numbers = sorted(int(staff.officer.acts.show(i).register_number.split()[1]) for i in ids)
    assert numbers == list(range(1, WORKERS + 1))
    assert staff.secretary.acts.queue("to_verify") == []
    assert staff.officer.audit.verify().ok
