"""Hostile or careless input to the real ``ecr`` program: a one-line refusal, never a
traceback (issue 11, L12), and no control character of the data on the terminal.

Each case runs ``ecr`` as a separate process, as a person or a script would,
against a real centre; "erreur interne" (exit code 70) is what must not happen.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from common.acts import examples
from ecr_tk.services import Centre

from .conftest import AGENT, OFFICER, PASSWORDS, Staff

ROOT = Path(__file__).resolve().parents[2]


def _limit_memory() -> None:
    # so that a program reading /dev/zero whole fails in a second, not after the machine
    resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))


def ecr(home: Path, *argv: str, user: int = AGENT, stdin: str = "",
        new_password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ECR_PASSWORD": PASSWORDS[user]}
    if new_password is not None:
        env["ECR_NEW_PASSWORD"] = new_password
    return subprocess.run(
        [sys.executable, "-m", "ecr_tk.cli", "--home", str(home), "--lang", "en", *argv],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
        preexec_fn=_limit_memory, check=False)


def refused_lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    """A refusal: exit 1, no traceback, one line per error, each naming field and rule."""
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines and all(line.startswith("ecr: ") for line in lines), done.stderr
    return lines


def refused_in_one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = refused_lines(done)
    assert len(lines) == 1, done.stderr
    return lines[0]


@pytest.fixture
def home(centre: Centre, staff: Staff, tmp_path: Path) -> Path:
    return tmp_path / "home"


def _file(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return str(path)


def test_an_integer_of_thousands_of_digits_is_refused(home: Path, tmp_path: Path) -> None:
    text = json.dumps(examples.BIRTH)[:-1] + ', "gestational_weeks": ' + "9" * 5000 + "}"
    line = refused_in_one_line(ecr(home, "act", "draft", "--type", "birth",
                                   _file(tmp_path, "long.json", text), "--as", str(AGENT)))
    assert "(json_number_too_long)" in line


@pytest.mark.parametrize("key", ["A", "é", "a-b", "child\u0000", "mother.surname", "x[0]"])
def test_an_unknown_key_is_named_whatever_its_characters(home: Path, tmp_path: Path,
                                                         key: str) -> None:
    data: dict[str, Any] = {**examples.BIRTH, key: 1}
    line = refused_in_one_line(ecr(home, "act", "draft", "--type", "birth",
                                   _file(tmp_path, "key.json", json.dumps(data)),
                                   "--as", str(AGENT)))
    assert line.endswith("(unknown_field)")
    assert ("U+0000" if "\u0000" in key else key) in line
    assert "\u0000" not in line


def test_an_endless_file_is_refused_after_reading_only_what_an_act_may_hold(
        home: Path) -> None:
    done = ecr(home, "act", "draft", "--type", "birth", "/dev/zero", "--as", str(AGENT))
    assert "(json_too_large)" in refused_in_one_line(done)


@pytest.mark.parametrize(("argv", "rule"), [
    (("act", "queue", "my_drafts", "--as", "99999999999999999999"), "bad_number"),
    (("act", "queue", "my_drafts", "--as", "0"), "bad_number"),
    (("act", "show", "9999999999999999999999", "--as", str(AGENT)), "bad_act_reference"),
    (("act", "show", "١٢٣", "--as", str(AGENT)), "bad_act_reference"),
    (("act", "verify", "99999999999999999999", "--as", str(AGENT)), "bad_act_reference"),
    (("act", "update", "abc", "/dev/null", "--as", str(AGENT)), "bad_act_reference"),
])
def test_numbers_out_of_range_are_refused(home: Path, argv: tuple[str, ...], rule: str) -> None:
    assert refused_in_one_line(ecr(home, *argv)).endswith(f"({rule})")


@pytest.mark.parametrize("argv", [
    ("user", "add", "2147483648", "--name", "X", "--role", "agent"),
    ("user", "unlock", "99999999999"),
    ("user", "set-privilege", "2147483648", "1"),
])
def test_user_numbers_out_of_range_are_refused(home: Path, argv: tuple[str, ...]) -> None:
    done = ecr(home, *argv, "--as", str(OFFICER), user=OFFICER, new_password="Another-pass-12")
    assert refused_in_one_line(done).endswith("(bad_number)")


def test_a_reader_that_goes_away_ends_the_command_quietly(home: Path, staff: Staff) -> None:
    from .conftest import birth

    act = staff.agent.acts.draft("birth", birth()).id
    env = {**os.environ, "ECR_PASSWORD": PASSWORDS[AGENT]}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecr_tk.cli", "--home", str(home), "--json", "act", "show",
         f"id:{act}", "--as", str(AGENT)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # `| head` that has read enough, before ecr writes
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert err == ""


ESCAPES = "\x1b[2J\x1b]0;pwned\x07\u202eAwa\x9b31m"


def test_control_characters_stored_in_an_act_never_reach_the_terminal(
        home: Path, staff: Staff, fresh_db: str) -> None:
    """A summary written before the database derived summaries itself (migration 0403)
    may hold anything: the queue shows its characters, the terminal obeys none."""
    import psycopg

    from .conftest import SECRETARY, birth

    act = staff.agent.acts.draft("birth", birth()).id
    with psycopg.connect(fresh_db, autocommit=True) as owner:
        owner.execute("SET session_replication_role = replica")  # as before 0403: no trigger
        owner.execute("UPDATE ecr.acts SET summary = jsonb_build_object('principal', %s::text)"
                      " WHERE id = %s", (ESCAPES, act))
    text = ecr(home, "act", "queue", "to_verify", "--as", str(SECRETARY), user=SECRETARY)
    as_json = ecr(home, "--json", "act", "queue", "to_verify", "--as", str(SECRETARY),
                  user=SECRETARY)
    for done in (text, as_json):
        assert done.returncode == 0, done.stderr
        assert not any(c in done.stdout for c in "\x1b\x07\x9b\u202e"), repr(done.stdout)
    assert "U+001B[2JU+001B]0;pwnedU+0007U+202EAwaU+009B31m" in text.stdout
    assert json.loads(as_json.stdout)[0]["principal"] == ESCAPES  # the data, unchanged
