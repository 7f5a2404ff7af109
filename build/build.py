"""Build the ECR bundle: ``python build/build.py`` → ``dist/ECR/`` and its archive.

One folder that runs on a PC without Python: ``dist/ECR/ECR`` (the desktop
application, and every ``ecr`` sub-command), ``dist/ECR/xmserver`` and
``dist/ECR/ecr-designer``.  The same script builds the Windows folder on Windows
(``ECR.exe`` …, a ``.zip`` instead of a ``.tar.gz``).

Reproducible: the archive lists its files sorted, with fixed times and owners,
so the same inputs give the same file list (``*.files.txt``, written beside the
archive) and the script prints the archive's SHA-256 (also in ``*.sha256``).
PyInstaller does the collecting through ``build/ecr.spec``; this script only runs
it and packs the result.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import os
import platform
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DATE_EPOCH = 1764633600  # 2026-12-02 00:00 UTC: fixed times in the archive


def version() -> str:
    for line in (ROOT / "pyproject.toml").read_text("utf-8").splitlines():
        if line.startswith("version"):
            return line.split("=", 1)[1].strip().strip('"')
    raise SystemExit("no version in pyproject.toml")


def platform_tag() -> str:
    system = {"Linux": "linux", "Windows": "windows", "Darwin": "macos"}.get(
        platform.system(), platform.system().lower())
    machine = platform.machine().lower().replace("amd64", "x86_64")
    return f"{system}-{machine}"


def run_pyinstaller(dist: Path, work: Path) -> Path:
    env = {**os.environ, "ECR_BUILD_ROOT": str(ROOT),
           "SOURCE_DATE_EPOCH": str(SOURCE_DATE_EPOCH), "PYTHONHASHSEED": "0"}
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",  # noqa: S603
                    "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work),
                    str(ROOT / "build" / "ecr.spec")], check=True, env=env, cwd=ROOT)
    return dist / "ECR"


def files_of(folder: Path) -> list[Path]:
    return sorted((p for p in folder.rglob("*") if p.is_file() or p.is_symlink()),
                  key=lambda p: p.relative_to(folder.parent).as_posix())


def pack_tar(folder: Path, archive: Path) -> None:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path in files_of(folder):
            info = tar.gettarinfo(str(path), path.relative_to(folder.parent).as_posix())
            info.mtime = SOURCE_DATE_EPOCH
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mode = 0o755 if os.access(path, os.X_OK) else 0o644
            if info.isfile():
                with open(path, "rb") as data:
                    tar.addfile(info, data)
            else:
                tar.addfile(info)
    with open(archive, "wb") as out, gzip.GzipFile(fileobj=out, mode="wb", mtime=0,
                                                   filename="") as gz:
        gz.write(raw.getvalue())


def pack_zip(folder: Path, archive: Path) -> None:
    stamp = time.gmtime(SOURCE_DATE_EPOCH)[:6]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for path in files_of(folder):
            info = zipfile.ZipInfo(path.relative_to(folder.parent).as_posix(), stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, path.read_bytes())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="output folder")
    parser.add_argument("--work", default=str(ROOT / "build" / "out"),
                        help="PyInstaller's work folder")
    args = parser.parse_args()
    dist = Path(args.dist).resolve()
    started = time.perf_counter()
    folder = run_pyinstaller(dist, Path(args.work).resolve())
    name = f"ECR-{version()}-{platform_tag()}"
    windows = platform.system() == "Windows"
    archive = dist / (name + (".zip" if windows else ".tar.gz"))
    (pack_zip if windows else pack_tar)(folder, archive)
    listing = "".join(f"{p.relative_to(dist).as_posix()}\t{p.stat().st_size}\n"
                      for p in files_of(folder))
    (dist / f"{name}.files.txt").write_text(listing, "utf-8")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    (dist / f"{archive.name}.sha256").write_text(f"{digest}  {archive.name}\n", "utf-8")
    size = archive.stat().st_size / 1e6
    print(f"{archive}  {size:.1f} MB  sha256 {digest}  "
          f"({len(listing.splitlines())} files, {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
