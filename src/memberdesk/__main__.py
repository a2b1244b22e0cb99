"""`python -m memberdesk …` is the `memberdesk` command."""

import sys

from .cli import main

sys.exit(main())
