"""``python -m classifier``: see classifier.cli."""

import sys

from classifier.cli import main

sys.exit(main())
