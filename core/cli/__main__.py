"""`python -m core.cli`, the same as `zvonok`."""

from core.cli import main

main()
