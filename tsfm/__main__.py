"""``python -m tsfm``: the same as the ``tsfm`` command (also for ``accelerate launch -m``)."""

import sys

from tsfm.cli import main

sys.exit(main())
