"""``python -m gradsim`` = the ``gradsim`` command."""

from gradsim.launcher import main

raise SystemExit(main())
