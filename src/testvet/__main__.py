"""``python -m testvet`` runs the command line."""

from __future__ import annotations

from testvet.cli import main

raise SystemExit(main())
