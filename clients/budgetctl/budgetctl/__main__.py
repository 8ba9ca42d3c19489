import sys

from budgetctl.cli import main

sys.exit(main())
