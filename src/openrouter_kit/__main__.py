"""``python -m openrouter_kit``: the ``openrouter-kit`` command (see ``openrouter-kit --help``)."""

from __future__ import annotations

import sys

from openrouter_kit._cli import main

if __name__ == "__main__":
    sys.exit(main())
