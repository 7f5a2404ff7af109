"""common/wire is sans-IO: it imports no database, broker, socket or file library.

(It reads its own compression dictionaries as package data through
``importlib.resources``, once; that is loading code, not doing I/O.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import common.wire

FORBIDDEN = ("psycopg", "psycopg_pool", "paho", "socket", "ssl", "sqlite3", "pathlib", "io",
             "shutil", "tempfile", "subprocess", "urllib", "http", "common.db",
             "common.transport", "ecr_tk", "xmserver", "tkinter")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_wire_package_imports_no_io_library():
    folder = Path(common.wire.__file__).parent
    offenders = {}
    for path in sorted(folder.rglob("*.py")):
        bad = {n for n in _imports(path)
               if any(n == f or n.startswith(f + ".") for f in FORBIDDEN)}
        if bad:
            offenders[path.name] = sorted(bad)
    assert not offenders, offenders


def test_the_wire_package_never_calls_open():
    folder = Path(common.wire.__file__).parent
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "open", f"{path.name}:{node.lineno} opens a file"
