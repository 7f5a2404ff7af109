"""Revocations reach every centre (issue 15): the SCEC's list, retained on the country topic.

A real SCEC revokes centre B: the workers publish the new list (retained) on
``<root>/country/revocation-list``; centre A, at its next connection, installs
it (verified against the country's CA) and ``ecr verify`` there now refuses a
copy that B signed; B learns it is revoked, and its next container is
quarantined by the SCEC, nothing stored.
"""

from __future__ import annotations

import time
from pathlib import Path

import psycopg
from cryptography import x509

from common.pki.centre import CRL_FILE
from ecr_tk.cli import main as ecr_main
from ecr_tk.services.printing import print_issued
from ecr_tk.transmission import service
from printdesigner.documents import write_pdf
from xmserver.cli import main as xm_main

from .conftest import Country, CountryCentre


def _knows_revoked(centre: CountryCentre, victim: CountryCentre) -> bool:
    path = centre.home.folder("keys") / CRL_FILE
    serial = x509.load_pem_x509_certificate(
        (victim.home.folder("keys") / "centre.cert.pem").read_bytes()).serial_number
    return path.exists() and x509.load_der_x509_crl(path.read_bytes()) \
        .get_revoked_certificate_by_serial_number(serial) is not None


def test_a_revocation_reaches_the_other_centres_and_the_revoked_one(
        country: Country, workers, tmp_path: Path, capsys) -> None:
    workers(1)
    dakar, thies = country.add_centre("224001"), country.add_centre("224002")
    [niu] = thies.validate(1)
    assert thies.sync(wait=60)["done"]
    issued = thies.staff.secretary.copies.issue(niu, "full", "Awa Diop")
    copy = tmp_path / "copie.pdf"
    write_pdf(copy, print_issued(thies.staff.secretary, issued,
                                 keys_dir=thies.home.folder("keys")).pdf)
    home = ["--home", str(dakar.home.path)]
    assert ecr_main([*home, "verify", str(copy)]) == 0  # genuine, signed by Thiès

    assert xm_main(country.scec.args("centre", "revoke", "224002", "--reason", "key lost")) == 0
    deadline = time.monotonic() + 60
    while not _knows_revoked(dakar, thies) and time.monotonic() < deadline:
        dakar.sync(wait=3)  # connects: the retained list is delivered
    assert _knows_revoked(dakar, thies), "Dakar received the new revocation list"
    capsys.readouterr()
    assert ecr_main([*home, "verify", str(copy)]) == 1
    assert "✘" in capsys.readouterr().out

    # Thiès learns it, and what it sends now is set aside by the SCEC
    deadline = time.monotonic() + 60
    while not _knows_revoked(thies, thies) and time.monotonic() < deadline:
        thies.sync(wait=3)
    assert service.status(thies.home)["centre_revoked"] is True
    later = thies.validate(1)
    thies.sync(wait=10)
    with psycopg.connect(country.scec.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM act WHERE niu = %s", (later[0],)
                            ).fetchone() == (0,)
    assert "revoked_signer" in country.quarantined()
    capsys.readouterr()
    assert ecr_main(["--home", str(thies.home.path), "transmission", "status"]) == 0
    assert "RÉVOQUÉ" in capsys.readouterr().out.upper()
