import sys

from routing.departments.cli import main

sys.exit(main())
