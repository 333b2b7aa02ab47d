"""Launch the gradsim desktop app: ``python main.py [--preset NAME | --config FILE] [--play]``."""

import sys

from gradsim.app import main

if __name__ == "__main__":
    sys.exit(main())
