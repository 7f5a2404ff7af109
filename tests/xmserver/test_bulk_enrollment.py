"""``xmserver centre add --bulk FILE.csv``: a country's centres registered from a spreadsheet."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import psycopg
import pytest

from common.pki import centre as centre_pki
from xmserver.enrollment import handle_enrollment

GOOD = ("code,name,region,contact\n"
        "341005,Centre de Kaolack,Kaolack,+221 33 941 00 00\n"
        "110203,Mairie de Dakar-Plateau,Dakar,etat-civil@dakar.sn\n"
        "220307,Centre de Ziguinchor,Ziguinchor,\n")


def _write(tmp_path: Path, text: str, name: str = "centres.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _codes(dsn: str) -> list[tuple[str, str, str]]:
    with psycopg.connect(dsn) as conn:
        return [tuple(r) for r in conn.execute(
            "SELECT code, name, region FROM centre ORDER BY code").fetchall()]


def _tokens(path: Path) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as f:
        return {row["code"]: row["token"] for row in csv.DictReader(f)}


def test_every_centre_of_the_file_is_registered_with_a_token_that_enrolls_it(
        scec, xm, tmp_path: Path) -> None:
    out = tmp_path / "tokens.csv"
    code, stdout, err = xm("--json", "centre", "add", "--bulk", str(_write(tmp_path, GOOD)),
                           "--tokens-out", str(out))
    assert code == 0, err
    report = json.loads(stdout)
    assert sorted(report["registered"]) == ["110203", "220307", "341005"]
    assert report["refused"] == []
    assert stat.S_IMODE(out.stat().st_mode) == 0o600, "tokens are secrets"
    assert [c for c, _, _ in _codes(scec.dsn)] == ["110203", "220307", "341005"]
    tokens = _tokens(out)
    keys = tmp_path / "keys"
    centre_pki.create_centre_key(keys, "341005")
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        response = handle_enrollment(
            conn, scec.pki, centre_pki.enrollment_request(keys, tokens["341005"]).to_bytes())
    assert response.status == "issued"


def test_the_same_file_again_changes_nothing_and_issues_no_token(scec, xm,
                                                                 tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    out = tmp_path / "tokens.csv"
    assert xm("centre", "add", "--bulk", str(path), "--tokens-out", str(out))[0] == 0
    first = _tokens(out)
    with psycopg.connect(scec.dsn) as conn:
        tokens_before = conn.execute("SELECT count(*) FROM enrollment_token").fetchone()
    code, stdout, _ = xm("--json", "centre", "add", "--bulk", str(path), "--tokens-out",
                         str(tmp_path / "again.csv"))
    assert code == 0
    report = json.loads(stdout)
    assert report["registered"] == [] and sorted(report["unchanged"]) == sorted(first)
    assert not (tmp_path / "again.csv").exists()
    with psycopg.connect(scec.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM enrollment_token").fetchone() == tokens_before


BAD = ("code;name;region;contact\n"
       "341005;Centre de Kaolack;Kaolack;\n"
       "34100;Code court;Kaolack;\n"          # line 3: 5 digits
       "341005;Doublon;Kaolack;\n"            # line 4: same code as line 2
       "440101;;Louga;\n"                     # line 5: no name
       "550202;Centre\u202e piégé;Thiès;\n"   # line 6: a bidi override
       "660303;Centre de Matam;Matam;\n")


def test_refused_rows_are_named_by_line_and_nothing_is_half_done(scec, xm,
                                                                 tmp_path: Path) -> None:
    code, stdout, _ = xm("--json", "centre", "add", "--bulk", str(_write(tmp_path, BAD)),
                         "--tokens-out", str(tmp_path / "t.csv"))
    assert code == 1
    report = json.loads(stdout)
    assert report["written"] is False
    assert [(r["line"], r["reason"]) for r in report["refused"]] == [
        (3, "bad_code"), (4, "duplicate"), (5, "name_required"), (6, "forbidden_character")]
    assert "U+202E" in report["refused"][3]["message"]
    assert _codes(scec.dsn) == [], "nothing is recorded while a row is refused"
    code, stdout, _ = xm("--json", "centre", "add", "--bulk", str(_write(tmp_path, BAD)),
                         "--tokens-out", str(tmp_path / "t.csv"), "--skip-refused")
    assert code == 0
    assert sorted(json.loads(stdout)["registered"]) == ["341005", "660303"]
    assert [c for c, _, _ in _codes(scec.dsn)] == ["341005", "660303"]


def test_a_row_that_disagrees_with_the_directory_is_refused_not_overwritten(
        scec, xm, tmp_path: Path) -> None:
    assert xm("centre", "add", "--bulk", str(_write(tmp_path, GOOD)), "--tokens-out",
              str(tmp_path / "t.csv"))[0] == 0
    changed = GOOD.replace("Centre de Kaolack", "Centre de Kaolack II")
    code, stdout, _ = xm("--json", "centre", "add", "--bulk",
                         str(_write(tmp_path, changed, "b.csv")), "--tokens-out",
                         str(tmp_path / "t2.csv"))
    assert code == 1
    assert [r["reason"] for r in json.loads(stdout)["refused"]] == ["differs"]
    assert ("341005", "Centre de Kaolack", "Kaolack") in _codes(scec.dsn)


def test_new_tokens_replace_unused_ones_for_centres_not_yet_enrolled(scec, xm,
                                                                     tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    assert xm("centre", "add", "--bulk", str(path), "--tokens-out", str(tmp_path / "a.csv"))[0] == 0
    old = _tokens(tmp_path / "a.csv")
    code, stdout, _ = xm("--json", "centre", "add", "--bulk", str(path), "--tokens-out",
                         str(tmp_path / "b.csv"), "--new-tokens")
    assert code == 0 and sorted(json.loads(stdout)["renewed"]) == sorted(old)
    new = _tokens(tmp_path / "b.csv")
    keys = tmp_path / "keys"
    centre_pki.create_centre_key(keys, "110203")
    with psycopg.connect(scec.dsn, autocommit=True) as conn:
        stale = handle_enrollment(
            conn, scec.pki, centre_pki.enrollment_request(keys, old["110203"]).to_bytes())
        fresh = handle_enrollment(
            conn, scec.pki, centre_pki.enrollment_request(keys, new["110203"]).to_bytes())
    assert stale.status == "refused" and fresh.status == "issued"


@pytest.mark.parametrize(("content", "rule"), [
    ("nom,région\nx,y\n", "bad_header"),
    ("code,name\n341005,Centre de Kaolack\n".encode("utf-16"), "not_utf8"),
])
def test_a_file_that_is_not_a_centre_list_is_refused_in_one_line(scec, xm, tmp_path: Path,
                                                                 content, rule) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, _, err = xm("--json", "centre", "add", "--bulk", str(path), "--tokens-out",
                      str(tmp_path / "t.csv"))
    assert code == 1 and rule in err and "Traceback" not in err


def test_a_file_with_a_bom_and_windows_line_ends_reads_like_any_other(scec, xm,
                                                                      tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    code, stdout, _ = xm("--json", "centre", "add", "--bulk", str(path), "--tokens-out",
                         str(tmp_path / "t.csv"))
    assert code == 0 and len(json.loads(stdout)["registered"]) == 3
