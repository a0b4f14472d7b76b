"""`python -m leadscore` runs the command line."""

from leadscore.cli.main import main

main()
