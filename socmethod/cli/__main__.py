"""`python -m socmethod.cli ...` is the `socmethod` command."""
import sys

from socmethod.cli import main

sys.exit(main())
