"""Read text files into Arrow tables of text, keeping each row's line number: opening them
(compression, byte-order marks, UTF-8 checks) and CSV. JSON Lines is in :mod:`json_lines`.

CSV takes pyarrow's multithreaded reader first; when a file has values spanning lines, blank
lines or rows with the wrong number of cells, it falls back to Python's csv module, which knows
the exact line of every row.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from leadscore.data.report import BadRow
from leadscore.diagnostics import LeadscoreError, Location

LINE = "_line"
PROPERTIES = "properties"
NOT_JSON = "properties is not valid JSON"  # the bad-row reason (JSON Lines adds why)

Progress = Callable[[int], None]


@dataclass
class TextTable:
    """Rows as text (empty cells null) with a `_line` column, and the rows that could not be read."""

    table: pa.Table
    bad: list[BadRow] = field(default_factory=list)
    # keys read both from a column (a top-level key) and from inside `properties`: the column wins
    shadowed: set[str] = field(default_factory=set)
    # every column of the file (a CSV header, the top-level keys of JSON Lines), also those not
    # read: two alike but for case, one of them read, make the file ambiguous (D004)
    names: list[str] = field(default_factory=list)
    # JSON Lines: the line on which each key first appears (a CSV's names are all on line 1)
    first_lines: dict[str, int] = field(default_factory=dict)


# byte-order marks of the encodings a spreadsheet's "Unicode text" export may use instead of UTF-8
_OTHER_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def _open_binary(path: Path) -> Any:
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    return open(path, "rb")


def unreadable(path: Path, why: str, hint: str) -> LeadscoreError:
    return LeadscoreError.simple("D008", f"cannot be read: {why}", hint, where=Location(str(path)))


_DAMAGED = "the file is damaged or truncated: export it again, or decompress it to see how much is left"


@contextmanager
def reading(path: Path) -> Iterator[None]:
    """A file that stops making sense half-way (a truncated .gz, a disk error) is an error, not
    a shorter file: rows would be lost without a trace."""
    try:
        yield
    except (OSError, EOFError, zlib.error) as exc:
        raise unreadable(path, str(exc) or type(exc).__name__, _DAMAGED) from None


def open_text(path: Path, newline: str = "") -> IO[str]:
    """UTF-8 text (a byte-order mark is skipped); bytes that are not UTF-8 reach the caller as
    lone surrogates (see `not_utf8`), so one bad row does not stop the file. `newline` as for
    `open`: by default a line ends at \\n, \\r\\n or a lone \\r (CSV as spreadsheets write it)."""
    raw = _open_binary(path)
    try:
        start = raw.read(4)
        raw.seek(0)
    except (OSError, EOFError) as exc:  # a .gz or .bz2 file that is not compressed as it says
        raw.close()
        raise unreadable(path, str(exc), "decompress it first, or rename it to what it holds") from None
    for bom, encoding in _OTHER_BOMS.items():
        if start.startswith(bom):
            raw.close()
            raise unreadable(
                path, f"it is {encoding} text, and leadscore reads UTF-8", "save or export it as UTF-8"
            )
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline=newline)


def not_utf8(text: str) -> str | None:
    """Why `text` (read by `_open_text`) is not UTF-8, or None when it is."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        byte = ord(text[exc.start]) - 0xDC00
        return f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8"
    return None


def count_lines(path: Path) -> int:
    """Lines in a text file (a last line without a newline counts)."""
    n = 0
    last = b"\n"
    with _open_binary(path) as f:
        while chunk := f.read(1 << 24):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (0 if last == b"\n" else 1)


def sniff_delimiter(path: Path) -> str:
    with open_text(path) as f:
        header = f.readline()
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


UNREAD = "_unread_"  # a column named by position to be left out (repeated or alike, not read)


def csv_header(path: Path, delimiter: str, reads: set[str] | None = None) -> list[str]:
    """The header's names. A name given twice is D004 where the model reads it (`reads`, or
    always when None); else those columns are named by position (`_unread_3`) and left out."""
    with open_text(path) as f:
        first = f.readline()
        f.seek(0)
        row = next(csv.reader(f, delimiter=delimiter), None)
    if not row:
        raise LeadscoreError.simple("D003", f"{path} is empty; a CSV file starts with a header row")
    if re.fullmatch(r"sep=.", first.strip(), re.IGNORECASE):
        raise unreadable(
            path,
            f"its first line {first.strip()!r} is Excel's note of the delimiter, not the header",
            "delete that first line (the header is the line after it), or export without it",
        )
    if (why := not_utf8(delimiter.join(row))) is not None:
        raise unreadable(path, f"its header row is {why.split(';')[0]}", "save or export it as UTF-8")
    names = [c.strip() for c in row]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes and reads is not None and not dupes & reads:  # a CRM export's two "Notes" columns
        return [f"{UNREAD}{i}" if n in dupes else n for i, n in enumerate(names)]
    if dupes:
        raise LeadscoreError.simple(
            "D004",
            f"the header repeats column(s) {', '.join(sorted(dupes))}",
            "rename one of each repeated column (or leave it out of the export): a header names each column once",
            where=Location(str(path), 1),
        )
    return names


def read_csv(
    path: Path, wanted: set[str] | None = None, delimiter: str | None = None, reads: set[str] | None = None
) -> TextTable:
    """All columns as text (or only `wanted` ones, when given), with exact line numbers; `reads`,
    the columns the model reads when not all of them (a repeated name not read is left out)."""
    with reading(path):
        return _read_csv(path, wanted, delimiter, wanted if reads is None else reads)


def _read_csv(
    path: Path, wanted: set[str] | None, delimiter: str | None, reads: set[str] | None
) -> TextTable:
    import pyarrow.csv as pacsv

    delim = delimiter or sniff_delimiter(path)
    names = csv_header(path, delim, reads)
    keep = [n for n in names if (wanted is None or n in wanted) and not n.startswith(UNREAD)]
    invalid: list[Any] = []

    def on_invalid(row: Any) -> str:
        invalid.append(row)
        return "skip"

    # pyarrow decodes an invalid row's text before calling on_invalid; bytes that are not UTF-8
    # fail there, inside its callback, and Python would print that as "Exception ignored …".
    # Kept quiet here: the exact reader below then reports the row (D101) like any other
    undecodable: list[object] = []
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: undecodable.append(unraisable.exc_value)
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, use_threads=True, block_size=1 << 24
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delim,
                newlines_in_values=False,
                ignore_empty_lines=True,  # a blank line holds no row (then lines are counted exactly)
                invalid_row_handler=on_invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                include_columns=keep,
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        table = None
    finally:
        sys.unraisablehook = hook
    # a quoted value spanning lines or a blank line shifts line numbers: then read exactly
    if table is None or invalid or undecodable or count_lines(path) != table.num_rows + 1:
        return _read_csv_exact(path, names, keep, delim)
    lines = pa.array(range(2, table.num_rows + 2), pa.int64())
    return TextTable(table.append_column(LINE, lines), names=names)


class _Lines:
    """A file's physical lines for csv.reader, remembering those the current row took, so that
    the lines a bad row swallowed can be given back and read again."""

    def __init__(self, f: IO[str]) -> None:
        self._f = f
        self._back: list[str] = []  # lines given back, the next one last
        self.taken: list[str] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self._back.pop() if self._back else next(self._f)
        self.taken.append(line)
        return line

    def give_back(self, lines: list[str]) -> None:
        self._back.extend(reversed(lines))


def _parses_strictly(text: str, delimiter: str) -> bool:
    """The text is well-formed CSV: every quoted value closes, and a delimiter or the line's end
    follows its closing quote."""
    try:
        list(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True))
    except csv.Error:
        return False
    return True


def _read_csv_exact(path: Path, names: list[str], keep: list[str], delimiter: str) -> TextTable:
    """Python's csv module: slower, but it knows the line each row starts on.

    A quoted value may span lines. But a row spanning lines that has the wrong number of cells,
    or is not well-formed CSV, is an unbalanced quote (`"UK` for `UK`) that swallowed the rows
    after it: that line is reported, and the lines after it are read again as rows of their own.
    """
    idx = [names.index(n) for n in keep]
    columns: list[list[str | None]] = [[] for _ in keep]
    lines: list[int] = []
    bad: list[BadRow] = []
    width = len(names)
    with open_text(path) as f:
        next(f, None)  # the header (its line is read by csv_header)
        source = _Lines(f)
        reader = csv.reader(source, delimiter=delimiter)
        start = 2
        try:
            while True:
                source.taken = []
                row = next(reader, None)
                if row is None:
                    break
                line, taken = start, source.taken
                start += len(taken)
                if len(taken) > 1 and (len(row) != width or not _parses_strictly("".join(taken), delimiter)):
                    last = line + len(taken) - 1
                    bad.append(BadRow(str(path), line, f"a quoted value opened on this line runs on to line {last}; "
                                      "check for an unbalanced quote (\"UK for UK)"))  # fmt: skip
                    source.give_back(taken[1:])
                    start = line + 1
                    continue
                if not row:
                    continue  # a blank line
                if len(row) != width:
                    bad.append(BadRow(str(path), line, f"expected {width} cells, found {len(row)}"))
                    continue
                if (why := not_utf8(delimiter.join(row))) is not None:
                    bad.append(BadRow(str(path), line, why))
                    continue
                for out, i in zip(columns, idx, strict=True):
                    out.append(row[i] if row[i] != "" else None)
                lines.append(line)
        except csv.Error as exc:
            bad.append(BadRow(str(path), start, f"unreadable CSV: {exc}; the rest of the file was skipped"))
    data = {n: pa.array(c, pa.string()) for n, c in zip(keep, columns, strict=True)}
    data[LINE] = pa.array(lines, pa.int64())
    return TextTable(pa.table(data), bad, names=names)
