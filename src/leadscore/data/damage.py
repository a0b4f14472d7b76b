"""Tell a damaged Parquet file from a failure of leadscore's own.

A Parquet file whose footer is whole but whose data pages are damaged passes every check at
load and fails only when an engine decodes the page, with the engine's message. When a run fails
that way, each Parquet input is read through once with pyarrow: if one cannot be read, the
failure is the file's (D008, exit code 2), not a bug to report.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from leadscore.data.formats import parquet_parts
from leadscore.diagnostics import INTERRUPTED, LeadscoreError, Location


def damaged_parquet(paths: list[Path | None]) -> LeadscoreError | None:
    """The error for the first Parquet input that cannot be read to its end, or None."""
    import pyarrow.parquet as pq

    for path in paths:
        for part in parquet_parts(path) if path is not None else []:
            try:
                pf = pq.ParquetFile(part)
                for i in range(pf.num_row_groups):
                    pf.read_row_group(i)  # one row group at a time: memory stays bounded
            except Exception as exc:  # pyarrow raises several kinds for damaged pages
                return LeadscoreError.simple(
                    "D008",
                    f"cannot be read: a data page is damaged ({str(exc).splitlines()[0]})",
                    "export the file again; nothing was scored",
                    where=Location(str(part)),
                )
    return None


@contextmanager
def reading(paths: list[Path | None]) -> Iterator[None]:
    """Run a step that reads `paths`; a failure that a damaged Parquet input explains becomes D008."""
    try:
        yield
    except (LeadscoreError, KeyboardInterrupt):
        raise
    except Exception as exc:
        if str(exc) == INTERRUPTED:  # Ctrl-C during a statement, not a damaged file
            raise
        damage = damaged_parquet(paths)
        if damage is not None:
            raise damage from None
        raise
