"""`python -m archiver.config CONFIG... [--write-schema]`: check site configs from the shell."""

import sys

from archiver.config import main

sys.exit(main())
