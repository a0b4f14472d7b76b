"""`leadscore --help` and `--version` load only the command line, not the engines or the model."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("duckdb", "pyarrow", "sqlglot", "pydantic", "leadscore.session", "leadscore.history.diff")


def test_the_command_line_loads_without_the_heavy_modules() -> None:
    probe = (
        "import sys, leadscore.cli.main as m; "
        f"print(','.join(x for x in {HEAVY!r} if x in sys.modules)); "
        "print(len(m.cli.commands))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    loaded, commands = out.splitlines()
    assert loaded == ""  # each command imports what it needs when it runs
    assert int(commands) >= 10  # and every command is still registered
