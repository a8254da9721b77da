import sys

from alphalang.cli import main

sys.exit(main())
