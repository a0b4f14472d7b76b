"""Files read with Spark's own readers, made to read as the embedded engine reads them.

CSV, Parquet and JSON Lines (single files or folders of part files) become a DataFrame and a
`RawInput` for normalisation: columns alike but for case left out or refused, nanosecond
timestamps, `properties` flattened (a line's own top-level key wins), and the rows Spark reads but
the other engines report (a list where one value is read, bytes that are not UTF-8) flagged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from leadscore.data.column_names import check_case_clashes, nanosecond_columns, parquet_fields, unread_clashes
from leadscore.data.formats import Format, detect_format, parquet_parts
from leadscore.data.normalize import RawInput
from leadscore.data.sqltyping import SparkTyping
from leadscore.data.text_readers import NOT_JSON, UNREAD, csv_header, sniff_delimiter
from leadscore.diagnostics import LeadscoreError, Location

CORRUPT = "_corrupt"


def read_file(
    spark: Any,
    path: Path,
    wanted: set[str] | None,
    props: set[str],
    required: set[str],
    reads: set[str] | None = None,
) -> tuple[Any, RawInput]:
    """`reads`: the columns the model reads, when not all of `wanted` (contacts keep all).

    A CSV or JSON Lines DataFrame comes back persisted (its row ids are generated, and must not
    change from one reading to the next): the caller unpersists it when done.
    """
    model_reads = wanted if reads is None else reads  # of a pair alike but for case: refused if read
    fmt = detect_format(path)
    line: str | None = None
    corrupt: str | None = None
    if fmt is Format.PARQUET:
        df, line = _parquet(spark, path, model_reads), "_line"
    elif fmt is Format.CSV:
        df, corrupt = _csv(spark, path, model_reads), CORRUPT
    else:
        df = _json_lines(spark, path, model_reads, required)
        corrupt = CORRUPT if CORRUPT in df.columns else None
    json_lines = fmt is Format.JSONL
    shadowed = shadowed_properties(df, props, json_lines)
    raw_columns = df.columns
    df, problems = bad_properties_text(df, props)
    df = flatten_properties(df, props, json_lines=json_lines)
    if wanted is not None:
        keep = [c for c in df.columns if c in wanted or c.startswith("_")]
        df = df.select(*keep)
    if json_lines:  # a list or record per line where one value is read: that line is bad
        df, nested = nested_lines(df, (model_reads or set()) | props, set(props) - set(raw_columns))
        problems += nested
    if fmt is Format.CSV:
        df, undecodable = undecodable_rows(df)
        problems += undecodable
    if fmt is not Format.PARQUET:
        # monotonically_increasing_id() is computed anew on every read: keep one reading
        from pyspark import StorageLevel

        df = df.persist(StorageLevel.MEMORY_AND_DISK)
        df.count()
    # positions tell rows apart: (file, row) for Parquet, a generated id otherwise
    return df, RawInput(
        "", str(path), order="_pos", line=line, corrupt=corrupt, order_unique=True, shadowed=shadowed,
        row_problems=problems,
    )  # fmt: skip


def _parquet(spark: Any, path: Path, model_reads: set[str] | None) -> Any:
    """A Parquet file or folder of parts, with `_line` (the row in its part), `_file` and `_pos`."""
    from pyspark.sql import functions as F

    location = str(path)
    fields = parquet_fields(path)  # every part's footer, read once
    names = [f.name for f in fields]
    check_case_clashes(path, names, model_reads)
    # a pair alike but for case that the model does not read is left out, as on the embedded
    # engine: the file is read with its schema less the pair
    unread = set(unread_clashes(names, model_reads))
    # Spark reads nanosecond timestamps (pandas' `datetime64[ns]`) only as whole numbers
    nanos = [n for n in nanosecond_columns(fields) if n not in unread]
    if nanos:
        spark.conf.set("spark.sql.legacy.parquet.nanosAsLong", "true")
    parquet = spark.read
    if unread:
        cased = cased_schema(spark, parquet.format("parquet"), location)
        parquet = parquet.schema(without(cased, unread))
    if path.is_dir():  # every part, in subfolders too (Spark alone skips a plain sub/)
        parts = [str(p) for p in parquet_parts(path)]
        df = parquet.option("basePath", location).parquet(*parts)
    else:
        df = parquet.parquet(location)
    df = df.select(
        "*",
        (F.col("_metadata.row_index") + 1).alias("_line"),
        F.col("_metadata.file_path").alias("_file"),
    )
    for name in nanos:  # read as whole nanoseconds: to the microsecond at or before
        ns = f"`{name.replace('`', '``')}`"
        df = df.withColumn(name, F.expr(f"timestamp_micros(({ns} - pmod({ns}, 1000)) div 1000)"))
    return df.withColumn("_pos", F.struct("_file", "_line"))


def _csv(spark: Any, path: Path, model_reads: set[str] | None) -> Any:
    """A CSV file or folder of parts, every column text, malformed rows in CORRUPT, `_pos` an id."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType, StructField, StructType

    location = str(path)
    first = (
        sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "_")))
        if path.is_dir()
        else [path]
    )
    delimiter = sniff_delimiter(first[0])
    names = csv_header(first[0], delimiter, model_reads)
    check_case_clashes(path, names, model_reads)
    # a pair alike but for case, or a name given twice, that the model does not read is left
    # out, as on the embedded engine: the columns are named by position, then dropped
    unread = {*unread_clashes(names, model_reads), *(n for n in names if n.startswith(UNREAD))}
    header = spark.read.options(header=True, sep=delimiter).csv(location).columns
    if unread and len(header) == len(names):
        header = [f"{UNREAD}{i}" if n in unread else n for i, n in enumerate(names)]
    schema = StructType([*(StructField(c, StringType()) for c in header), StructField(CORRUPT, StringType())])
    options = {"header": True, "multiLine": True, "escape": '"', "sep": delimiter, "mode": "PERMISSIVE"}
    df = spark.read.schema(schema).options(**options, columnNameOfCorruptRecord=CORRUPT).csv(location)
    df = df.withColumn("_pos", F.monotonically_increasing_id())
    return df.drop(*(c for c in header if c.startswith(UNREAD)))


def _json_lines(spark: Any, path: Path, model_reads: set[str] | None, required: set[str]) -> Any:
    """A JSON Lines file or folder of parts, values as text, the `required` keys always there."""
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions as F

    location = str(path)
    reader = spark.read.options(primitivesAsString=True, mode="PERMISSIVE", columnNameOfCorruptRecord=CORRUPT)
    try:
        df = reader.json(location)
    except AnalysisException as exc:  # keys alike but for case: Spark refuses the file
        if "COLUMN_ALREADY_EXISTS" not in str(exc):
            raise
        try:
            cased = cased_schema(spark, reader.format("json"), location)
        except AnalysisException as again:  # a key given twice in one line, letter for letter
            if "COLUMN_ALREADY_EXISTS" not in str(again):
                raise
            raise repeated_key(path, str(again)) from None
        check_case_clashes(path, cased.names, model_reads)
        # a pair the model does not read is left out, as on the embedded engine
        unread = set(unread_clashes(cased.names, model_reads))
        df = reader.schema(without(cased, unread)).json(location)
    for col in sorted(required - set(df.columns)):
        df = df.withColumn(col, F.lit(None).cast("string"))
    return df.withColumn("_pos", F.monotonically_increasing_id())


def cased_schema(spark: Any, reader: Any, location: str) -> Any:
    """The file's schema as `reader` infers it, its names in their case: Spark refuses a file
    with names alike but for case (it resolves names without case), but not when it is read
    with a given schema, which `without` makes of this one."""
    key = "spark.sql.caseSensitive"
    before = spark.conf.get(key)
    spark.conf.set(key, "true")
    try:
        return reader.load(location).schema
    finally:
        spark.conf.set(key, before)


def shadowed_properties(df: Any, props: set[str], json_lines: bool = False) -> list[str]:
    """Properties the model reads that are columns and also keys of a struct `properties`
    (the column is read); from JSON Lines, only where one line gives both (a line with one
    of them reads it). A `properties` of JSON text or a map is not searched here: that
    would take a pass over the data."""
    from pyspark.sql import functions as F

    if "properties" not in df.columns:
        return []
    kind = df.schema["properties"].dataType
    if type(kind).__name__ != "StructType":
        return []
    both = sorted(p for p in props & set(df.columns) if p in kind.fieldNames())
    if json_lines:
        given = F.col("properties").getField
        both = [
            p for p in both if df.filter(F.col(f"`{p}`").isNotNull() & given(p).isNotNull()).limit(1).count()
        ]
    return both


def flatten_properties(df: Any, props: set[str], json_lines: bool = False) -> Any:
    """Properties given as one `properties` column (an object, or JSON text) become columns.

    From JSON Lines (`json_lines`), a list or record stays one, to be reported by line; and a
    key given at the top level of some lines only is read from `properties` on the others (a
    line's own top-level key wins, as on the embedded engine; Spark gives a line without the
    key a NULL in its column, so a top-level `null` does not hide `properties` here)."""
    from pyspark.sql import functions as F

    if "properties" not in df.columns:
        return df
    kind = type(df.schema["properties"].dataType).__name__
    if json_lines and kind == "StructType":
        fields = df.schema["properties"].dataType.fieldNames()
        for p in sorted(props & set(df.columns) & set(fields)):
            value = F.col("properties").getField(p)
            if not is_nested(df.schema["properties"].dataType[p].dataType):
                df = df.withColumn(p, F.coalesce(F.col(f"`{p}`").cast("string"), value.cast("string")))
    elif json_lines and kind == "StringType":  # objects on some lines and JSON text on others
        for p in sorted(props & set(df.columns)):
            df = df.withColumn(p, F.coalesce(F.col(f"`{p}`").cast("string"), _json_key(p)))
    for p in sorted(props - set(df.columns)):
        if kind == "StructType":
            if p in df.schema["properties"].dataType.fieldNames():
                value = F.col("properties").getField(p)
                nested = is_nested(df.schema["properties"].dataType[p].dataType)
                df = df.withColumn(p, value if json_lines and nested else value.cast("string"))
        elif kind == "MapType":
            df = df.withColumn(p, F.col("properties").getItem(p).cast("string"))
        else:
            df = df.withColumn(p, _json_key(p))
    return df.drop("properties")


def _json_key(key: str) -> Any:
    """The value of `key` in a `properties` of JSON text, as tables read it (SparkTyping)."""
    from pyspark.sql import functions as F

    return F.expr(SparkTyping().json_text("`properties`", key))


def without(schema: Any, names: set[str]) -> Any:
    from pyspark.sql.types import StructType

    return StructType([f for f in schema.fields if f.name not in names])


def repeated_key(path: Path, message: str) -> LeadscoreError:
    """D004 for JSON Lines with a key given twice in one line: Spark's reader refuses the file
    whole (the embedded engine reports such a line when the key is read, else keeps the last)."""
    key = re.search(r"column `([^`]*)`", message)
    named = f"'{key.group(1)}' " if key else ""
    return LeadscoreError.simple(
        "D004",
        f"a line gives the key {named}twice; Spark cannot read such a JSON Lines file",
        "remove the repeated key from those lines, or score the file with the embedded engine "
        "(--engine duckdb), which skips such a line when the key is read",
        where=Location(str(path)),
    )


def bad_properties_text(df: Any, props: set[str]) -> tuple[Any, list[tuple[str, str]]]:
    """A `properties` of text that is not JSON, where a property is read from it: a bad row, as
    on the embedded engine and for tables (Spark's reader would give its keys NULL, silently)."""
    from pyspark.sql import functions as F

    if "properties" not in df.columns or type(df.schema["properties"].dataType).__name__ != "StringType":
        return df, []
    if not props - set(df.columns):
        return df, []
    t = SparkTyping()
    df = df.withColumn("_bad_properties", F.expr(t.json_invalid("`properties`")))
    return df, [("_bad_properties", t.lit(NOT_JSON))]


def undecodable_rows(df: Any) -> tuple[Any, list[tuple[str, str]]]:
    """CSV rows that are not UTF-8: Spark decodes a byte it cannot read as U+FFFD (the embedded
    engine reports the row, naming the byte); a row with U+FFFD in a cell it keeps is bad."""
    from pyspark.sql import functions as F

    cells = [
        F.coalesce(F.col(f"`{f.name}`"), F.lit("")) for f in df.schema.fields if not f.name.startswith("_")
    ]
    if not cells:
        return df, []
    df = df.withColumn("_not_utf8", F.instr(F.concat_ws("", *cells), "\ufffd") > 0)
    return df, [
        (
            "_not_utf8",
            SparkTyping().lit("not UTF-8 text (a byte Spark could not decode); save the file as UTF-8"),
        )
    ]


def is_nested(dtype: Any) -> bool:
    return type(dtype).__name__ in ("ArrayType", "StructType", "MapType")


def nested_lines(df: Any, read: set[str], from_properties: set[str]) -> tuple[Any, list[tuple[str, str]]]:
    """JSON Lines whose read key holds a list or record: Spark types the key's column as one (in
    every line that has it); each such line is a bad row, as the embedded engine's reader finds
    it line by line (a key holding a list in some lines and text in others is typed as text)."""
    from pyspark.sql import functions as F

    problems: list[tuple[str, str]] = []
    for i, f in enumerate(df.schema.fields):
        if f.name not in read or not is_nested(f.dataType):
            continue
        flag = f"_nested_{i}"
        kind = "an array" if type(f.dataType).__name__ == "ArrayType" else "an object"
        name = f"properties.{f.name}" if f.name in from_properties else f.name
        df = df.withColumn(flag, F.col(f"`{f.name}`").isNotNull())
        df = df.withColumn(f.name, F.lit(None).cast("string"))
        problems.append((flag, SparkTyping().lit(f"{name}: {kind} where one value belongs")))
    return df, problems
