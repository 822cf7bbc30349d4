"""`python -m judgesmith ...`: the same CLI as the `judgesmith` script."""

import sys

from judgesmith.cli import main

sys.exit(main())
