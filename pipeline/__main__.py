"""``python -m pipeline`` → :func:`pipeline.cli.main`."""

import sys

from .cli import main

sys.exit(main())
