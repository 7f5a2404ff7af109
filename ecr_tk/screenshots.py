"""``python -m ecr_tk.screenshots OUTDIR``: pictures of the main windows, for the user guide.

Creates a demo centre (its own embedded database in a temporary home folder,
or ``--dsn`` for an existing empty database), fills it with a few realistic
acts, opens each window at 1024×768 and saves ``ui-*.png`` into OUTDIR.
Starts its own virtual screen (Xvfb) when ``DISPLAY`` is not set, so it runs
on a server.  The windows are the real ones, driven through the same steps a
person takes (typing into fields, pressing buttons).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
import tkinter as tk
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from common.i18n import set_language

OFFICER = (1, "Fatou Sarr", "officier-2026")
AGENT = (10, "Awa Diop", "agent-2026")
SECRETARY = (20, "Moussa Faye", "secretaire-2026")
WIDTH, HEIGHT = 1024, 768


def valid_acts(event_type: str, count: int, seed: int) -> Iterator[dict[str, Any]]:
    """Generated acts of ``event_type`` that are valid when registered today."""
    from common.acts.generator import generate_act
    from common.acts.validation import validate

    rng = random.Random(seed)
    found = 0
    for _ in range(2000):
        act = generate_act(event_type, rng)
        if validate(event_type, act.data, today=dt.date.today()).ok:
            found += 1
            yield act.data
            if found >= count:
                return


def make_demo_centre(home: Path, dsn: str | None) -> dict[str, Any]:
    """A centre with its three kinds of users and acts at every stage."""
    from ecr_tk.services.centre import Centre

    centre = Centre.init(home, "221014", "Centre d'état civil de Thiès-Nord", OFFICER[0],
                         OFFICER[1], OFFICER[2], dsn=dsn, workstation="poste-accueil")
    facts: dict[str, Any] = {}
    with centre:
        with centre.login(OFFICER[0], OFFICER[2]) as officer:
            officer.users.add(AGENT[0], AGENT[1], "agent", AGENT[2])
            officer.users.add(SECRETARY[0], SECRETARY[1], "secretary", SECRETARY[2])
            officer.users.add(11, "Ibrahima Ba", "agent", "agent-2027")
        births = list(valid_acts("birth", 6, seed=7))
        with centre.login(AGENT[0], AGENT[2]) as agent:
            ids = [agent.acts.draft("birth", d, confirm_duplicates=True).id for d in births]
            death = next(valid_acts("death", 1, seed=3))
            ids.append(agent.acts.draft("death", death, confirm_duplicates=True).id)
        with centre.login(SECRETARY[0], SECRETARY[2]) as secretary:
            for act_id in ids[:2]:
                secretary.acts.verify(act_id)
        with centre.login(OFFICER[0], OFFICER[2]) as officer:
            validated = officer.acts.validate(ids[0])
            officer.acts.add_mention(validated.niu, "marriage",
                                     "Mariée le 14/02/2026 à Thiès avec Ousmane Ndiaye")
            officer.copies.issue(validated.niu, "full", "Mariama Sow")
        facts["validated_id"] = ids[0]
        facts["surname"] = births[0]["child"]["surname"]
    return facts


class Shooter:
    """Runs the application on a Tk root and saves what the screen shows."""

    def __init__(self, outdir: Path, display: str) -> None:
        self.outdir = outdir
        self.display = display
        self.root = tk.Tk(className="ecr")
        self.root.geometry(f"{WIDTH}x{HEIGHT}+0+0")
        self.saved: list[Path] = []

    def pump(self, seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.root.update()
            time.sleep(0.02)

    def wait(self, condition: Callable[[], Any], timeout: float = 60) -> Any:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            value = condition()
            if value:
                return value
            self.pump(0.1)
        raise RuntimeError("the window did not reach the expected state")

    def shoot(self, name: str) -> Path:
        from PIL import ImageGrab

        self.pump(0.4)
        x, y = self.root.winfo_rootx(), self.root.winfo_rooty()
        box = (x, y, x + self.root.winfo_width(), y + self.root.winfo_height())
        image = ImageGrab.grab(bbox=box, xdisplay=self.display)
        path = self.outdir / f"ui-{name}.png"
        image.save(path, optimize=True)
        self.saved.append(path)
        return path


def type_into(widget: Any, text: str) -> None:
    widget.focus_force()
    widget.delete(0, "end")
    widget.insert(0, text)


def take_all(outdir: Path, dsn: str | None, display: str) -> list[Path]:
    from ecr_tk.home import CentreHome
    from ecr_tk.ui.app import Application
    from ecr_tk.ui.login import LoginView
    from ecr_tk.ui.workbench import Workbench

    os.environ["ECR_NO_VIEWER"] = "1"
    work = Path(tempfile.mkdtemp(prefix="ecr-screens-"))
    try:
        shooter = Shooter(outdir, display)
        root = shooter.root
        # the setup assistant of a computer that holds no centre yet
        app = Application(root, work / "empty")
        app.start()
        shooter.shoot("setup")
        facts = make_demo_centre(work / "home", dsn)
        assert CentreHome.exists(work / "home")
        app.home_arg = work / "home"
        app.start()
        shooter.wait(lambda: isinstance(app.stage, LoginView) and app.centre and app.stage)
        shooter.shoot("login")

        def log_in(user: tuple[int, str, str]) -> Any:
            page = shooter.wait(lambda: isinstance(app.stage, LoginView) and app.stage)
            type_into(page.number, str(user[0]))
            type_into(page.password, user[2])
            page.submit()
            return shooter.wait(lambda: isinstance(app.stage, Workbench) and app.stage)

        # the agent: a birth form with a rule broken, its message next to the field
        bench = log_in(AGENT)
        bench.show("act.new")
        shooter.shoot("new-act")
        bench.current.start("birth")
        editor = bench.current
        form = editor.form
        type_into(form.leaf("occurred_on").input.focus_widget,
                  (dt.date.today() - dt.timedelta(days=3)).strftime("%d/%m/%Y"))
        type_into(form.leaf("place.locality").input.focus_widget, "Hôpital régional de Thiès")
        form.leaf("place.type").input.set("hospital")
        form.leaf("birth_type").input.set("single")
        form.leaf("attendant").input.set("midwife")
        type_into(form.leaf("child.surname").input.focus_widget, "Ndiaye")
        type_into(form.leaf("child.given_names").input.focus_widget, "Aïssatou")
        form.leaf("child.sex").input.set("F")
        weight = form.leaf("child.weight_g")
        type_into(weight.input.focus_widget, "150")
        for leaf in form.leaves():
            if leaf.path.startswith(("occurred_on", "place.", "birth_type", "child.")):
                leaf.touched = True
        form.check(show_all=False)
        form.page.show_widget(weight.input.focus_widget)
        weight.input.focus_widget.focus_force()
        shooter.shoot("birth-form")
        editor.dirty = False
        bench.logout()
        # the secretary's work queue
        bench = log_in(SECRETARY)
        bench.show("queue.to_verify")
        shooter.shoot("queue")
        bench.logout()
        # the officer: search, an act's history, users
        bench = log_in(OFFICER)
        bench.show("search")
        search = bench.current
        type_into(search.inputs["surname"], facts["surname"])
        search.search()
        shooter.shoot("search")
        bench.open("act.view", act_id=facts["validated_id"])
        view = bench.current
        shooter.shoot("act")
        view.tabs.select(2)
        shooter.shoot("act-history")
        bench.show("users")
        shooter.shoot("users")
        bench.show("copies", act=view.record.niu)
        copies = bench.current
        type_into(copies.requester, "Mariama Sow")
        shooter.shoot("copies")
        bench.show("queue.to_validate")
        bench.lock()
        shooter.shoot("locked")
        app.quit()
        return shooter.saved
    finally:
        _stop_embedded(work / "home")
        shutil.rmtree(work, ignore_errors=True)


def _stop_embedded(home: Path) -> None:
    try:
        from common.db import embedded

        embedded.release(home / "db")
    except Exception as exc:  # the server stops with the last user anyway
        print(f"note: embedded server: {exc}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ecr_tk.screenshots",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--dsn", default=None,
                        help="an empty database to use instead of an embedded one")
    parser.add_argument("--lang", default="fr", choices=("fr", "en"))
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    set_language(args.lang)
    screen = None
    if not os.environ.get("DISPLAY"):
        from ecr_tk.ui.headless import start_virtual_screen

        screen = start_virtual_screen()
        os.environ["DISPLAY"] = screen.display
    try:
        saved = take_all(args.outdir, args.dsn, os.environ["DISPLAY"])
    finally:
        if screen is not None:
            screen.stop()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
