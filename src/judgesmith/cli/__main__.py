import sys

from judgesmith.cli import main

sys.exit(main())
