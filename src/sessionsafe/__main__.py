"""``python -m sessionsafe``: the same as the ``sessionsafe`` command."""

from sessionsafe.cli import main

raise SystemExit(main())
