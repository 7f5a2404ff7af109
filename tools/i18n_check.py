"""List (or add) the messages passed to ``tr`` that a French catalogue lacks.

Usage::

    python tools/i18n_check.py            # print missing/untranslated msgids, exit 1 if any
    python tools/i18n_check.py --update   # add them to common/i18n/locale/fr/<domain>.po,
                                          # with an empty msgstr for a translator to fill

A module declares its domain with ``tr = translator("<domain>")``; every call
``tr("literal", ...)`` in it is a message of that domain.  The check reads the
source with ``ast``: it imports nothing.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("common", "ecr_tk", "xmserver", "printdesigner")
LOCALE = ROOT / "common" / "i18n" / "locale"


def messages_in(path: Path) -> list[tuple[str, str, int]]:
    """(domain, msgid, line) for every ``tr("…")`` call in one module."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name | ast.Attribute)
            and getattr(node.value.func, "id", getattr(node.value.func, "attr", "")) == "translator"
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = str(node.value.args[0].value)
    found: list[tuple[str, str, int]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in names
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((names[node.func.id], node.args[0].value, node.lineno))
    return found


def all_messages() -> dict[str, dict[str, list[str]]]:
    """{domain: {msgid: [where, …]}} over the whole code base."""
    out: dict[str, dict[str, list[str]]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for domain, msgid, line in messages_in(path):
                where = f"{path.relative_to(ROOT)}:{line}"
                out.setdefault(domain, {}).setdefault(msgid, []).append(where)
    return out


def missing(lang: str = "fr") -> dict[str, dict[str, list[str]]]:
    sys.path.insert(0, str(ROOT))
    from common.i18n import load_po

    result: dict[str, dict[str, list[str]]] = {}
    for domain, msgs in all_messages().items():
        catalogue = load_po(LOCALE / lang / f"{domain}.po")
        lacking = {m: w for m, w in msgs.items() if m not in catalogue}
        if lacking:
            result[domain] = lacking
    return result


def _po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def update(lang: str = "fr") -> int:
    added = 0
    for domain, msgs in missing(lang).items():
        po = LOCALE / lang / f"{domain}.po"
        po.parent.mkdir(parents=True, exist_ok=True)
        text = po.read_text("utf-8") if po.exists() else (
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            f'"Language: {lang}\\n"\n'
        )
        existing = {m for m in _ids(text)}
        for msgid, where in msgs.items():
            if msgid in existing:
                continue  # present but untranslated: leave it for the translator
            text += f"\n#: {' '.join(where[:3])}\nmsgid {_po_quote(msgid)}\nmsgstr \"\"\n"
            added += 1
        po.write_text(text, "utf-8")
    return added


def _ids(text: str) -> list[str]:
    import io

    from babel.messages.pofile import read_po

    return [str(m.id) for m in read_po(io.BytesIO(text.encode("utf-8"))) if m.id]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true",
                        help="add missing msgids to the catalogues")
    parser.add_argument("--lang", default="fr")
    args = parser.parse_args()
    if args.update:
        print(f"added {update(args.lang)} messages")
    lacking = missing(args.lang)
    for domain, msgs in sorted(lacking.items()):
        for msgid, where in sorted(msgs.items()):
            print(f"{domain}: {msgid!r} ({where[0]})")
    return 1 if lacking else 0


if __name__ == "__main__":
    raise SystemExit(main())
