"""``python -m tui.cli``: the ``huddle`` command without its installed script (bench/bench_tui.py uses it)."""

import sys

from tui.cli import main

sys.exit(main())
