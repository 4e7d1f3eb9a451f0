"""``python -m tpnb.cli``: the same as the ``tpnb`` command."""

import sys

from tpnb.cli.main import main

sys.exit(main())
