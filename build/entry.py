"""The one entry point of the bundled programs: ``ECR``, ``xmserver`` and ``ecr-designer``.

PyInstaller makes three small executables from this script in one folder; each
looks at the name it was started under.  In the bundle, the PDF tools that
``ecr verify`` runs (poppler's ``pdftoppm``/``pdftotext``, when the build found
them) are put first on ``PATH``.  Nothing here may write next to the executable:
the folder may be read-only (a USB stick); data goes to the user's data folder.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path


def main() -> int:
    multiprocessing.freeze_support()  # ``xmserver run --workers N`` starts processes
    bundle = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent))
    poppler = bundle / "poppler"
    if poppler.is_dir():
        os.environ["PATH"] = str(poppler) + os.pathsep + os.environ.get("PATH", "")
    name = Path(sys.argv[0]).stem.lower()
    if name.startswith("xmserver"):
        from xmserver.cli import main as program
    elif name.startswith("ecr-designer"):
        from printdesigner.designer.app import main as program
    else:
        from ecr_tk.cli import main as program
    return int(program() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
