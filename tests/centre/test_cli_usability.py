"""What the reviewer of issue 13 (bug 14) found awkward in ``ecr``, run as a person would:
global options after the command, ``act draft`` of every documented shape, every
error of an act at once, dates as people write them, listings under a header in
aligned columns, a damaged backup, and ``ecr`` on a PC without a screen."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from common.acts import examples
from common.acts.actjson import ActRecord
from ecr_tk.cli import main
from ecr_tk.cli.columns import display_width

from . import test_cli
from .test_cli import AGENT_PW, BACKUP_PASSPHRASE, OFFICER_PW, SECRETARY_PW, Ecr, _write

ROOT = Path(__file__).resolve().parents[2]
# test_cli's fixtures: a centre made by ``ecr init`` with its three users, a second database
ecr = test_cli.ecr
second_db = test_cli.second_db


def run_bare(ecr: Ecr, *argv: str, password: str | None = None) -> tuple[int, str, str]:
    """``ecr ARGV`` exactly as given: no global option put in front of the command."""
    ecr.monkeypatch.delenv("ECR_PASSWORD", raising=False)
    if password is not None:
        ecr.monkeypatch.setenv("ECR_PASSWORD", password)
    code = main(list(argv))
    out, err = ecr.capsys.readouterr()
    return code, out, err


def test_the_global_options_may_come_after_the_command(ecr: Ecr) -> None:
    code, out, err = run_bare(ecr, "user", "list", "--as", "1", "--home", str(ecr.home),
                              "--json", "--lang", "en", "--workstation", "au-guichet",
                              password=OFFICER_PW)
    assert code == 0, err
    assert [u["number"] for u in json.loads(out)] == [1, 2, 3]
    # and between a command and its sub-command
    code, out, err = run_bare(ecr, "act", "--home", str(ecr.home), "queue", "to_verify",
                              "--as", "2", "--json", password=SECRETARY_PW)
    assert (code, json.loads(out)) == (0, []), err


def _documented_birth_export() -> dict[str, Any]:
    """The example of a birth that docs/act-format.md shows: a full export."""
    doc = (ROOT / "docs" / "act-format.md").read_text("utf-8")
    found = re.search(r"^#### Example: birth\n\n```json\n(.*?)\n```$", doc, re.S | re.M)
    assert found is not None
    export: dict[str, Any] = json.loads(found.group(1))
    assert export["format"] == "ecr-act/1" and export["niu"]
    return export


def test_act_draft_reads_every_shape_of_the_act_format_page(ecr: Ecr, tmp_path: Path) -> None:
    export = _write(tmp_path, "export.json", _documented_birth_export())
    drafted = ecr.json("act", "draft", export, "--as", "3", password=AGENT_PW)
    assert drafted["register_number"].startswith("n° 1 /")
    shown = ecr.json("act", "show", "id:1", "--as", "3", password=AGENT_PW)
    # the export's NIU, number and status are the other act's: the new draft gets its own
    assert (shown["event_type"], shown["status"], shown["niu"]) == ("birth", "draft", None)
    assert shown["data"] == _documented_birth_export()["data"]

    document = _write(tmp_path, "draft.json", {"type": "death", "data": examples.DEATH})
    assert ecr.json("act", "draft", document, "--as", "3", password=AGENT_PW)["id"] == 2
    assert ecr.json("act", "show", "id:2", "--as", "3",
                    password=AGENT_PW)["event_type"] == "death"
    built = ActRecord("birth", examples.BIRTH, status="validated").to_dict()
    record = _write(tmp_path, "record.json", built)
    assert ecr.json("act", "draft", record, "--type", "birth", "--confirm-duplicates",
                    "--as", "3", password=AGENT_PW)["id"] == 3
    # an act of one type is not drafted as another, and the data alone needs its type
    code, out, err = ecr.run("act", "draft", document, "--type", "birth", "--as", "3",
                             password=AGENT_PW, lang="fr")
    assert code == 1 and out == "" and "(type_mismatch)" in err
    assert "Décès (death), pas Naissance (birth)" in err, err
    data = _write(tmp_path, "data.json", examples.BIRTH)
    code, out, err = ecr.run("act", "draft", data, "--as", "3", password=AGENT_PW, lang="fr")
    assert code == 1 and out == "" and "[type] (required)" in err and "--type" in err, err
    assert ecr.json("act", "draft", data, "--type", "birth", "--confirm-duplicates", "--as",
                    "3", password=AGENT_PW)["id"] == 4


def _three_mistakes() -> dict[str, Any]:
    data = copy.deepcopy(examples.BIRTH)
    data["occurred_on"] = "2999-01-01"
    del data["child"]["surname"]
    data["child"]["sex"] = "X"
    return data


def test_every_error_of_a_draft_is_reported_at_once(ecr: Ecr, tmp_path: Path,
                                                    fresh_db: str) -> None:
    bad = _write(tmp_path, "bad.json", _three_mistakes())
    code, out, err = ecr.run("act", "draft", "--type", "birth", bad, "--as", "3",
                             password=AGENT_PW, lang="fr")
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert len(lines) >= 3, err
    named = {(m.group(1), m.group(2)) for line in lines
             if (m := re.search(r" \[([^\]]+)\] \((\w+)\)$", line))}
    assert {("occurred_on", "date_in_future"), ("child.surname", "required"),
            ("child.sex", "not_in_code_list")} <= named, err
    # each line says it in French, from the field's label
    assert any(line.startswith("ecr: Date de l'événement") for line in lines), err
    assert any("Nom" in line and "child.surname" in line for line in lines), err

    code, out, err = ecr.run("--json", "act", "draft", "--type", "birth", bad, "--as", "3",
                             password=AGENT_PW)
    refusal = json.loads(err)
    assert code == 1 and refusal["rule"] == refusal["errors"][0]["rule"]
    assert {(e["field"], e["rule"]) for e in refusal["errors"]} >= {
        ("occurred_on", "date_in_future"), ("child.surname", "required")}
    with psycopg.connect(fresh_db) as owner:
        assert owner.execute("SELECT count(*) FROM ecr.acts").fetchone() == (0,)


def test_dates_are_typed_day_first_as_well_as_in_iso(ecr: Ecr, tmp_path: Path) -> None:
    birth = _write(tmp_path, "birth.json", examples.BIRTH)  # born on 28/12/2025
    ecr.json("act", "draft", "--type", "birth", birth, "--as", "3", password=AGENT_PW)
    for first, last in (("01/12/2025", "31/12/2025"), ("1/12/2025", "2025-12-31")):
        found = ecr.json("search", "--from", first, "--to", last, "--as", "2",
                         password=SECRETARY_PW)
        assert [f["id"] for f in found] == [1], (first, last)
    assert ecr.json("search", "--from", "29/12/2025", "--as", "2", password=SECRETARY_PW) == []
    with pytest.raises(SystemExit) as refused:
        ecr.run("search", "--from", "31/02/2026", "--as", "2", password=SECRETARY_PW,
                lang="fr")
    assert refused.value.code == 2
    err = ecr.capsys.readouterr().err
    assert "31/02/2026 n'est pas une date" in err and "jj/mm/aaaa" in err, err
    code, _, err = ecr.run("copy", "takings", "--day", "04/12/2026", "--as", "1",
                           password=OFFICER_PW)
    assert code == 0, err


def _column_starts(line: str, cells: list[str]) -> list[int]:
    """The display column at which each of ``cells`` starts in ``line`` (left to right)."""
    starts, at = [], 0
    for cell in cells:
        at = line.index(cell, at)
        starts.append(display_width(line[:at]))
        at += len(cell)
    return starts


def test_search_prints_a_header_over_its_columns(ecr: Ecr, tmp_path: Path) -> None:
    birth = _write(tmp_path, "birth.json", examples.BIRTH)
    death = _write(tmp_path, "death.json", examples.DEATH)
    ecr.json("act", "draft", "--type", "birth", birth, "--as", "3", password=AGENT_PW)
    ecr.json("act", "draft", "--type", "death", death, "--as", "3", password=AGENT_PW)
    code, out, err = ecr.run("search", "--as", "2", password=SECRETARY_PW, lang="fr")
    assert code == 0, err
    header, *rows = out.splitlines()
    labels = ["Id", "NIU", "N° de registre", "Événement", "Statut", "Survenu le", "Personne"]
    assert header.split("  ")[0] == "Id" and all(label in header for label in labels), header
    assert len(rows) == 2
    found = ecr.json("search", "--as", "2", password=SECRETARY_PW)
    for row, act in zip(rows, found, strict=True):
        assert row.startswith(f"id:{act['id']}")
        assert _column_starts(row, [act["register_number"], act["principal"]]) == \
            _column_starts(header, ["N° de registre", "Personne"]), (header, row)


def test_user_list_columns_are_aligned_whatever_the_names(ecr: Ecr) -> None:
    # a long role label, a name typed with a combining accent, a wide-character name
    names = {4: "Ndèye Séne", 5: "Ndiaye Awa", 6: "王芳"}
    for number, name in names.items():
        ecr.json("user", "add", str(number), "--name", name, "--role", "agent", "--as", "1",
                 password=OFFICER_PW, new_password="Agent-pass-0042")
    ecr.json("user", "suspend", "5", "--as", "1", password=OFFICER_PW)
    code, out, err = ecr.run("user", "list", "--as", "1", password=OFFICER_PW, lang="fr")
    assert code == 0, err
    header, *rows = out.splitlines()
    assert header.split() == ["Numéro", "Rôle", "Privilège", "État", "Nom"], header
    name_column = display_width(header[:header.index("Nom")])
    state_column = display_width(header[:header.index("État")])
    users = ecr.json("user", "list", "--as", "1", password=OFFICER_PW)
    assert len(rows) == len(users) == 6
    for row, user in zip(rows, users, strict=True):
        assert row.endswith(user["name"]) and row.rstrip() == row
        assert display_width(row[:row.rindex(user["name"])]) == name_column, (header, row)
        state = "suspendu" if user["privilege"] == 0 else "actif"
        assert display_width(row[:row.index(state)]) == state_column, (header, row)


def test_a_damaged_backup_restores_nothing_and_leaves_no_folder(
        ecr: Ecr, tmp_path: Path, second_db: str) -> None:
    archive = tmp_path / "centre.ecrbackup"
    ecr.json("backup", str(archive), "--as", "1",
             stdin=f"{OFFICER_PW}\n{BACKUP_PASSPHRASE}\n")
    cut = tmp_path / "cut.ecrbackup"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    ecr.monkeypatch.setenv("ECR_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    target = tmp_path / "nouveau" / "centre"
    code, out, err = run_bare(ecr, "restore", str(cut), "--db", second_db,
                              "--home", str(target), "--lang", "fr")
    assert code == 1 and out == ""
    assert "(corrupt_archive)" in err and "endommagé ou incomplet" in err, err
    assert "rien n'a été restauré" in err, err
    assert not (tmp_path / "nouveau").exists()
    with psycopg.connect(second_db) as owner:
        assert owner.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'ecr'"
                             ).fetchone() == (0,)
    # the whole file, with --home after the command as well
    code, out, err = run_bare(ecr, "restore", str(archive), "--db", second_db,
                              "--home", str(target), "--json")
    assert code == 0, err
    assert json.loads(out)["centre"] == "221001" and (target / "settings.json").exists()


def test_ecr_without_a_screen_says_so_in_one_translated_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    for argv, expected in (((), "Aucun écran"), (("--lang", "en"), "No screen")):
        done = subprocess.run([sys.executable, "-m", "ecr_tk.cli", "--home",
                               str(tmp_path / "home"), *argv], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 1, (done.returncode, done.stderr)
        assert "Traceback" not in done.stderr and "TclError" not in done.stderr, done.stderr
        assert expected in done.stderr and "DISPLAY" in done.stderr, done.stderr
        assert done.stderr.strip().splitlines()[-1].startswith("ecr: "), done.stderr
        assert done.stdout == ""
