"""``python -m ecr_tk.cli``: the same as the ``ecr`` command."""

from ecr_tk.cli import main

raise SystemExit(main())
