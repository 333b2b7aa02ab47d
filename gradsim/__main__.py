"""``python -m gradsim`` = the ``gradsim`` command."""

from gradsim.cli import main

raise SystemExit(main())
