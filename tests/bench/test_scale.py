"""bench/scale.py --centres 2000 (issue 16): every act of 2,000 centres stored once and receipted.

Real Mosquitto, real ``xmserver run`` worker processes, a real central database;
the centres are simulated (own keys, real enrollment, real containers), most of
them leave before their receipt and come back for it, some use T2D folders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_two_thousand_centres_each_get_every_act_stored_once_and_receipted() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the script finds ROOT
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "scale.py"), "--centres", "2000",
                           "--connections", "40"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    result = json.loads(done.stdout)
    assert result["centres"] == 2000 and result["acts"] == 2000 * 5
    assert (result["stored"], result["lost"], result["duplicates"]) == (result["acts"], 0, 0)
    assert result["receipted"] == result["acts"] and result["centres_fully_receipted"] == 2000
    assert 0 < result["t2d_centres"] < 2000
    # offline most of the time: never more than the limit connected, yet the broker kept a
    # session for (nearly) every online centre, and the absent ones got their receipts later
    assert 0 < result["peak_connections"] <= 40
    assert result["broker_sessions"] >= 2000 - result["t2d_centres"]
    assert result["rounds"] >= 2
    assert set(result["peak_rss_mb"]) >= {"harness", "worker", "supervisor"}
    assert result["central_db_bytes_per_million_acts"] > 0
