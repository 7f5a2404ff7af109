"""The SCEC's systemd units (build/systemd/), checked and run as written.

``systemd-analyze verify`` reads each unit (this machine has no running systemd,
so units are not started by systemd itself); then the workers' ``ExecStart`` is
expanded exactly as systemd would (``%i``, ``${VAR}`` from the environment file)
and run against the test's database and broker: a container published by an
enrolled centre is stored and receipted, and SIGTERM (systemd's stop) ends the
workers cleanly.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from tests.conftest import MQTT_HOST, MQTT_PORT
from tests.xmserver.conftest import PASSPHRASE, scec  # noqa: F401  (the SCEC fixture)
from tests.xmserver.senders import enroll, records

UNITS = Path(__file__).resolve().parents[2] / "build" / "systemd"


def _unit(name: str) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_the_units_are_valid_for_systemd(tmp_path: Path) -> None:
    folder = tmp_path / "units"
    folder.mkdir()
    fake = tmp_path / "xmserver"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    for unit in ("xmserver@.service", "mosquitto-ecr.service", "xmserver-crl.service",
                 "xmserver-crl.timer"):
        text = (UNITS / unit).read_text().replace("/opt/ecr/xmserver", str(fake))
        text = text.replace("/etc/xmserver/xmserver.env", str(tmp_path / "env"))
        (folder / unit.replace("@.", "@test.")).write_text(text)
    (tmp_path / "env").write_text((UNITS / "xmserver.env.example").read_text())
    done = subprocess.run(["systemd-analyze", "verify", "--man=no",
                           *(str(p) for p in sorted(folder.iterdir()))],
                          capture_output=True, text=True, timeout=60)
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if "xmserver" in line or "mosquitto-ecr" in line]
    # users and folders of a production machine do not exist here; syntax errors would
    problems = [p for p in problems if not re.search(
        r"User|Group|ReadWritePaths|No such file|not found|Failed to|Unit .* not found", p)]
    assert problems == []


def test_the_workers_exec_start_runs_as_written(scec, tmp_path: Path,  # noqa: F811
                                                mqtt_topic_prefix: str) -> None:
    env = {"XMSERVER_DB": scec.dsn, "XMSERVER_PKI_DIR": str(scec.pki_dir),
           "XMSERVER_KEY_PASSPHRASE": PASSPHRASE, "XMSERVER_WORKERS": "2",
           "XMSERVER_BROKER": f"{MQTT_HOST}:{MQTT_PORT}", "XMSERVER_TOPIC_ROOT": mqtt_topic_prefix}
    example = dict(line.split("=", 1) for line in
                   (UNITS / "xmserver.env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    assert set(example) == set(env), "the example environment names every variable used"
    [exec_start] = _unit("xmserver@.service")["ExecStart"]
    line = exec_start.replace("%i", "unit-test")
    line = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], line)
    argv = shlex.split(line)
    assert argv[0] == "/opt/ecr/xmserver"
    # the bundle's xmserver is this checkout's; TLS files are the broker folder's (the test
    # broker is plain: TLS is tested in tests/xmserver/test_broker.py)
    i = argv.index("--tls-ca")
    argv = [sys.executable, "-m", "xmserver.cli", *argv[1:i]]
    proc = subprocess.Popen(argv, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        sender = enroll(scec, tmp_path)
        from tests.xmserver.test_worker import CentreLink

        link = CentreLink(sender, mqtt_topic_prefix)
        try:
            time.sleep(3)  # the workers subscribe
            link.publish(sender.acts(records(4), 1)[1])
            [receipt] = link.receipts(1, timeout=60)
            assert len(receipt.entries) == 4
        finally:
            link.close()
    finally:
        proc.send_signal(signal.SIGTERM)  # systemctl stop
        code = proc.wait(60)
    assert code == 0
    with psycopg.connect(scec.dsn) as conn:
        assert conn.execute("SELECT count(*) FROM act").fetchone()[0] == 4
