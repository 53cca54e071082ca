"""``python -m restore``: the ``restore`` command line."""

import sys

from .cli import main

sys.exit(main())
