"""The double-click bundle (build/): built from this checkout, run where no Python is.

One build per test session (about a minute): ``python build/build.py`` into a
temporary folder, the archive unpacked into a read-only folder whose path holds
a space and accents, then the bundle run with an empty environment (``env -i``,
a PATH with neither the virtualenv nor any Python, a HOME of its own).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, str(ROOT / "build" / "build.py"), "--dist", str(dist),
                           "--work", str(tmp_path_factory.mktemp("work"))],
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout + done.stderr
    return dist


@pytest.fixture(scope="module")
def bundle(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    medium = tmp_path_factory.mktemp("usb") / "Clé USB d'état civil"
    medium.mkdir()
    (archive,) = built.glob("ECR-*-linux-*.tar.gz")
    with tarfile.open(archive) as tar:
        tar.extractall(medium, filter="tar")
    folder = medium / "ECR"
    for path in [folder, *folder.rglob("*")]:  # a read-only medium
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    yield folder
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return {"HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **extra}


def test_the_archive_is_the_one_its_checksum_and_file_list_describe(built: Path) -> None:
    (archive,) = built.glob("ECR-*-linux-*.tar.gz")
    digest = (built / f"{archive.name}.sha256").read_text().split()[0]
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == digest
    listed = [line.split("\t")[0] for line in
              (built / archive.name.replace(".tar.gz", ".files.txt")).read_text().splitlines()]
    with tarfile.open(archive) as tar:
        names = [m.name for m in tar.getmembers() if not m.isdir()]
        assert {m.mtime for m in tar.getmembers()} == {1764633600}
    assert names == listed == sorted(listed)
    assert {"ECR/ECR", "ECR/xmserver", "ECR/ecr-designer"} <= set(names)
    assert archive.stat().st_size < 150e6, "target: an archive under 150 MB"


def test_the_self_test_passes_from_a_read_only_folder_without_python(bundle: Path,
                                                                     tmp_path: Path) -> None:
    assert " " in str(bundle) and "é" in str(bundle)
    home = tmp_path / "home"
    done = subprocess.run(["env", "-i", *[f"{k}={v}" for k, v in _clean_env(home).items()],
                           str(bundle / "ECR"), "--self-test"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    steps = [line for line in lines if line.startswith("  ")]
    assert len(steps) == 6 and all(line.split()[0] == "ok" for line in steps), done.stdout
    assert lines[-1].startswith("auto-test réussi")
    assert not [p for p in bundle.parent.iterdir() if p.name != "ECR"], \
        "nothing is written next to the executable"


def test_every_program_of_the_bundle_answers(bundle: Path, tmp_path: Path) -> None:
    env = [f"{k}={v}" for k, v in _clean_env(tmp_path / "home").items()]
    for program, args, words in (("ECR", ["--help"], "init"), ("ECR", ["act", "--help"], "draft"),
                                 ("xmserver", ["--help"], "centre"),
                                 ("ecr-designer", ["--help"], "usage")):
        done = subprocess.run(["env", "-i", *env, str(bundle / program), *args],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert words in done.stdout, (program, args, done.stdout)


@pytest.mark.gui
def test_the_built_executable_opens_its_setup_assistant_on_a_new_pc(bundle: Path,
                                                                    tmp_path: Path) -> None:
    from PIL import ImageGrab

    from ecr_tk.ui.headless import start_virtual_screen

    screen = start_virtual_screen()
    home = tmp_path / "home"
    process = subprocess.Popen(
        ["env", "-i", *[f"{k}={v}" for k, v in _clean_env(home, DISPLAY=screen.display).items()],
         str(bundle / "ECR")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        windows = b""
        while time.monotonic() < deadline and process.poll() is None:
            windows = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "ECR"],
                                     capture_output=True, env={**os.environ,
                                                               "DISPLAY": screen.display}
                                     ).stdout
            if windows.strip():
                break
            time.sleep(0.5)
        assert process.poll() is None, process.communicate(timeout=10)
        assert windows.strip(), "no ECR window appeared within 60 s"
        time.sleep(1.5)  # let the window draw itself
        shot = ImageGrab.grab(xdisplay=screen.display)
        out = tmp_path / "bundle-setup.png"
        shot.save(out)
        colours = shot.convert("L").getcolors(maxcolors=1 << 16)
        assert colours is not None and len(colours) > 20, "the screenshot is blank"
        if os.environ.get("ECR_SCREENSHOT_DIR"):
            shutil.copy(out, Path(os.environ["ECR_SCREENSHOT_DIR"]) / out.name)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        screen.stop()
