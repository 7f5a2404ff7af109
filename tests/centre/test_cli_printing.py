"""``ecr copy issue --out``: the PDF of the copy and of its receipt, read back."""

from __future__ import annotations

import json
from pathlib import Path

from pypdf import PdfReader

from common.acts import examples
from tests.centre.test_cli import AGENT_PW, OFFICER_PW, SECRETARY_PW, Ecr, ecr  # noqa: F401


def _text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_copy_issue_writes_the_copy_and_its_receipt_as_pdf(ecr: Ecr, tmp_path: Path) -> None:  # noqa: F811
    birth = tmp_path / "birth.json"
    birth.write_text(json.dumps(examples.BIRTH), "utf-8")
    ecr.json("act", "draft", "--type", "birth", str(birth), "--as", "3", password=AGENT_PW)
    niu = ecr.json("act", "verify", "id:1", "--as", "2", password=SECRETARY_PW)["niu"]
    ecr.json("act", "validate", niu, "--as", "1", password=OFFICER_PW)

    out, receipt = tmp_path / "copie.pdf", tmp_path / "recu.pdf"
    code, stdout, stderr = ecr.run("--json", "copy", "issue", niu, "--kind", "full",
                                   "--requester", "Ousmane Ndiaye", "--out", str(out),
                                   "--receipt-out", str(receipt), "--as", "2",
                                   password=SECRETARY_PW)
    assert code == 0, stderr
    issued = json.loads(stdout)
    assert (issued["pdf"], issued["receipt_pdf"]) == (str(out), str(receipt))
    copy_text = _text(out)
    assert examples.BIRTH["child"]["given_names"] in copy_text
    assert examples.BIRTH["child"]["surname"].upper() in copy_text.upper()
    assert issued["receipt_number"] in _text(receipt)
    # this centre has not enrolled: the copy prints, and the clerk is told it has no QR code
    assert stderr.strip(), "a copy printed without verification code must say so"


def test_copy_issue_refuses_an_unwritable_output_with_a_clear_message(
        ecr: Ecr, tmp_path: Path) -> None:  # noqa: F811
    birth = tmp_path / "birth.json"
    birth.write_text(json.dumps(examples.BIRTH), "utf-8")
    ecr.json("act", "draft", "--type", "birth", str(birth), "--as", "3", password=AGENT_PW)
    niu = ecr.json("act", "verify", "id:1", "--as", "2", password=SECRETARY_PW)["niu"]
    ecr.json("act", "validate", niu, "--as", "1", password=OFFICER_PW)
    code, _out, err = ecr.run("copy", "issue", niu, "--kind", "full", "--requester", "X Y",
                              "--out", str(tmp_path / "no-such-folder" / "c.pdf"), "--as", "2",
                              password=SECRETARY_PW)
    assert code == 1
    assert "Traceback" not in err and "(unwritable)" in err
