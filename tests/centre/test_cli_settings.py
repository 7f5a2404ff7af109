"""``ecr settings``: what the settings window edits, from the command line (issue 13, bug 7).

The country heading of every copy was empty and nothing outside the window
could fill it; ``ecr settings set centre.country_name …`` now does, and the
printed copy shows it.
"""

from __future__ import annotations

from pathlib import Path

from common.acts import examples
from tests.centre.test_cli import AGENT_PW, OFFICER_PW, SECRETARY_PW, Ecr, _write, ecr
from tests.printdesigner.pdfread import flat, pdftotext

__all__ = ["ecr"]  # the fixture, shared with test_cli

PLACE = {"centre.country_name": "République du Sénégal", "centre.locality": "Thiès",
         "centre.area_name": "Région de Thiès"}


def test_the_officer_sets_the_place_the_copies_print(ecr: Ecr, tmp_path: Path) -> None:
    before = ecr.json("settings", "list", "--as", "2", password=SECRETARY_PW)
    assert {key: before[key] for key in PLACE} == dict.fromkeys(PLACE, "")
    for key, value in PLACE.items():
        assert ecr.json("settings", "set", key, value, "--as", "1",
                        password=OFFICER_PW) == {"key": key, "value": value}
    code, out, _ = ecr.run("settings", "list", "--as", "1", password=OFFICER_PW, lang="fr")
    assert code == 0 and "centre.country_name = République du Sénégal" in out.splitlines()

    birth = _write(tmp_path, "birth.json", examples.BIRTH)
    ecr.json("act", "draft", "--type", "birth", birth, "--as", "3", password=AGENT_PW)
    niu = ecr.json("act", "verify", "id:1", "--as", "2", password=SECRETARY_PW)["niu"]
    ecr.json("act", "validate", niu, "--as", "1", password=OFFICER_PW)
    out_pdf = tmp_path / "copie.pdf"
    ecr.json("copy", "issue", niu, "--kind", "full", "--requester", "Ousmane Ndiaye",
             "--out", str(out_pdf), "--as", "2", password=SECRETARY_PW)
    text = flat(pdftotext(out_pdf.read_bytes()))
    assert "RÉPUBLIQUE DU SÉNÉGAL" in text and "Région de Thiès" in text
    assert "Délivré à Thiès" in text or "Délivrée à Thiès" in text


def test_a_setting_is_refused_to_a_secretary_and_for_a_bad_key_or_value(ecr: Ecr) -> None:
    code, _, err = ecr.run("settings", "set", "centre.country_name", "Sénégal", "--as", "2",
                           password=SECRETARY_PW)
    assert code != 0 and err
    code, _, err = ecr.run("settings", "set", "centre.flag", "vert", "--as", "1",
                           password=OFFICER_PW)
    assert code != 0 and "bad_setting" in err
    code, _, err = ecr.run("settings", "set", "session.idle_minutes", "trente", "--as", "1",
                           password=OFFICER_PW)
    assert code != 0 and "bad_setting_value" in err
    assert ecr.json("settings", "set", "session.idle_minutes", "30", "--as", "1",
                    password=OFFICER_PW)["value"] == 30
    code, _, err = ecr.run("settings", "set", "centre.country_name", "Sénégal\u202e", "--as",
                           "1", password=OFFICER_PW)
    assert code != 0 and "bad_setting_value" in err
