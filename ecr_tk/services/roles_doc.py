"""Generate the tables of ``docs/roles-and-workflow.md`` from the code.

The permissions and transition tables in that document are produced from
:mod:`.permissions` and :mod:`.workflow` (which the database mirrors), between
marker comments, so they cannot drift: a test compares the document with
:func:`render`.  Run ``python -m ecr_tk.services.roles_doc`` to rewrite them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .permissions import PERMISSIONS, ROLES
from .workflow import TRANSITIONS

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles-and-workflow.md"
BEGIN = "<!-- generated tables: begin (python -m ecr_tk.services.roles_doc) -->"
END = "<!-- generated tables: end -->"


def render() -> str:
    lines = ["### Permissions (`ecr.permissions`)", "",
             "| action | " + " | ".join(ROLES) + " |",
             "|---|" + "---|" * len(ROLES)]
    for action in sorted(PERMISSIONS):
        marks = " | ".join("✔" if r in PERMISSIONS[action] else "" for r in ROLES)
        lines.append(f"| `{action}` | {marks} |")
    lines += ["", "### Transitions (`ecr.transitions`)", "",
              "| action | from | to |", "|---|---|---|"]
    for action, table in TRANSITIONS.items():
        for before, after in table.items():
            lines.append(f"| `{action}` | {before} | {after} |")
    return "\n".join([BEGIN, "", *lines, "", END])


def rewrite(doc: Path = DOC) -> None:
    text = doc.read_text("utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    doc.write_text(head + render() + tail, "utf-8")


if __name__ == "__main__":
    rewrite(Path(sys.argv[1]) if len(sys.argv) > 1 else DOC)
