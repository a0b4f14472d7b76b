"""Apache Spark: batch scoring of the same compiled SQL where one machine is not enough.

Files are read with Spark's own readers (CSV, Parquet and JSON Lines, single files or folders of
part files) and normalised with Spark SQL; existing tables are normalised the same way. Parquet
rows keep their row number for bad-row reports; Spark's CSV and JSON readers do not expose line
numbers, so those rows are reported by their id.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from leadscore.data.column_names import check_case_clashes, parquet_names, parquet_nanos, unread_clashes
from leadscore.data.formats import Format, detect_format, parquet_parts
from leadscore.data.normalize import (
    ContactSpec,
    Executor,
    RawInput,
    empty_events,
    normalize_contacts,
    normalize_events,
)
from leadscore.data.report import LoadReport
from leadscore.data.sqltyping import SparkTyping, Typing
from leadscore.data.text_readers import csv_header, sniff_delimiter
from leadscore.diagnostics import LeadscoreError, Location
from leadscore.engines.base import Engine, Step
from leadscore.sql.dialects import SparkDialect

INSTALL_HINT = "install Spark's Python package: pip install 'leadscore[spark]' (and Java 17)"
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}
EVENT_COLUMNS = ("event_id", "contact_id", "type", "timestamp")
CORRUPT = "_corrupt"


def start_session(
    master: str = "local[2]", app_name: str = "leadscore", conf: dict[str, str] | None = None
) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise LeadscoreError.simple(
            "S001", "the spark engine needs the pyspark package", INSTALL_HINT
        ) from None
    log4j = Path(__file__).with_name("spark-log4j2.properties")
    # a larger thread stack: Spark's SQL parser and analyser recurse once per term of an
    # expression, and a model near its size limit (500 rules reading one event type) overflowed
    # the default stack now and then (StackOverflowError)
    quiet = {"spark.driver.extraJavaOptions": f"-Dlog4j.configurationFile=file:{log4j} -Xss16m"}
    builder = SparkSession.builder.master(master).appName(app_name)
    for k, v in {**SESSION_CONF, **quiet, **(conf or {})}.items():
        builder = builder.config(k, v)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _category(dtype: Any) -> str:
    name = type(dtype).__name__
    return {
        "StringType": "text", "VarcharType": "text", "CharType": "text",
        "ByteType": "integer", "ShortType": "integer", "IntegerType": "integer", "LongType": "integer",
        "FloatType": "float", "DoubleType": "float", "DecimalType": "decimal", "BooleanType": "boolean",
        "TimestampType": "timestamptz", "TimestampNTZType": "timestamp", "DateType": "date",
        "StructType": "struct", "MapType": "struct", "ArrayType": "nested",
    }.get(name, "other")  # fmt: skip


class SparkExecutor:
    typing: Typing = SparkTyping()
    store_canonical = True  # the scoring query reads `events` several times

    def __init__(self, spark: Any) -> None:
        self.spark = spark
        self._cached: dict[str, Any] = {}

    def execute(self, sql: str) -> None:
        self.spark.sql(sql).collect()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def columns(self, relation: str) -> dict[str, str]:
        schema = self.spark.sql(f"SELECT * FROM {relation} LIMIT 0").schema
        return {f.name: _category(f.dataType) for f in schema.fields}

    def materialize(self, name: str, select: str) -> None:
        from pyspark import StorageLevel

        df = self.spark.sql(select).persist(StorageLevel.MEMORY_AND_DISK)
        df.count()  # compute now: later reads (and non-deterministic ids) see one result
        old = self._cached.pop(name, None)
        df.createOrReplaceTempView(name)
        self._cached[name] = df
        if old is not None:
            old.unpersist()

    def stage(self, name: str, select: str) -> None:
        # a view: Spark re-reads columnar inputs cheaply, and the raw rows whose ids are
        # generated (CSV, JSON Lines) are persisted once when they are read
        self.spark.sql(select).createOrReplaceTempView(name)

    def count(self, relation: str) -> int:
        return int(self.rows(f"SELECT count(*) FROM {relation}")[0][0])

    def provably_clean(self, raw: RawInput, required: list[str]) -> bool:
        return False

    def never_empty(self, raw: RawInput, columns: list[str]) -> set[str]:
        return set()

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        old = self._cached.pop(name, None)
        if old is not None:
            old.unpersist()


def _without(schema: Any, names: set[str]) -> Any:
    from pyspark.sql.types import StructType

    return StructType([f for f in schema.fields if f.name not in names])


def _repeated_key(path: Path, message: str) -> LeadscoreError:
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


def _undecodable_rows(df: Any) -> tuple[Any, list[tuple[str, str]]]:
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


def _is_nested(dtype: Any) -> bool:
    return type(dtype).__name__ in ("ArrayType", "StructType", "MapType")


def _nested_lines(df: Any, read: set[str], from_properties: set[str]) -> tuple[Any, list[tuple[str, str]]]:
    """JSON Lines whose read key holds a list or record: Spark types the key's column as one (in
    every line that has it); each such line is a bad row, as the embedded engine's reader finds
    it line by line (a key holding a list in some lines and text in others is typed as text)."""
    from pyspark.sql import functions as F

    problems: list[tuple[str, str]] = []
    for i, f in enumerate(df.schema.fields):
        if f.name not in read or not _is_nested(f.dataType):
            continue
        flag = f"_nested_{i}"
        kind = "an array" if type(f.dataType).__name__ == "ArrayType" else "an object"
        name = f"properties.{f.name}" if f.name in from_properties else f.name
        df = df.withColumn(flag, F.col(f"`{f.name}`").isNotNull())
        df = df.withColumn(f.name, F.lit(None).cast("string"))
        problems.append((flag, SparkTyping().lit(f"{name}: {kind} where one value belongs")))
    return df, problems


class SparkEngine(Engine):
    name = "spark"
    dialect = SparkDialect()

    def __init__(self, session: Any = None, master: str = "local[2]") -> None:
        if session is None:
            try:
                from pyspark.sql import SparkSession
            except ImportError:
                raise LeadscoreError.simple(
                    "S001", "the spark engine needs the pyspark package", INSTALL_HINT
                ) from None
            session = SparkSession.getActiveSession()  # in a notebook or a test run: reuse it
            self._own_session = session is None
        else:
            self._own_session = False
        self.spark = session if session is not None else start_session(master)
        tz = self.spark.conf.get("spark.sql.session.timeZone")
        if tz not in ("UTC", "Etc/UTC", "Z", "+00:00"):
            raise LeadscoreError.simple(
                "S002",
                f"the Spark session's time zone is {tz}",
                "set spark.sql.session.timeZone=UTC (instants are UTC)",
            )
        self.executor: Executor = SparkExecutor(self.spark)

    # -- files ---------------------------------------------------------------------------------

    def _read(
        self,
        path: Path,
        wanted: set[str] | None,
        props: set[str],
        required: set[str],
        reads: set[str] | None = None,
    ) -> tuple[Any, RawInput]:
        """`reads`: the columns the model reads, when not all of `wanted` (contacts keep all)."""
        from pyspark.sql import functions as F
        from pyspark.sql.types import StringType, StructField, StructType

        model_reads = wanted if reads is None else reads  # of a pair alike but for case: refused if read

        fmt = detect_format(path)
        location = str(path)
        order = "_pos"
        line: str | None = None
        corrupt: str | None = None
        if fmt is Format.PARQUET:
            names = parquet_names(path)
            check_case_clashes(path, names, model_reads)
            # a pair alike but for case that the model does not read is left out, as on the
            # embedded engine: the file is read with its schema less the pair
            unread = set(unread_clashes(names, model_reads))
            # Spark reads nanosecond timestamps (pandas' `datetime64[ns]`) only as whole numbers
            nanos = [n for n in parquet_nanos(path) if n not in unread]
            if nanos:
                self.spark.conf.set("spark.sql.legacy.parquet.nanosAsLong", "true")
            parquet = self.spark.read
            if unread:
                cased = self._cased_schema(parquet.format("parquet"), location)
                parquet = parquet.schema(_without(cased, unread))
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
            df = df.withColumn("_pos", F.struct("_file", "_line"))
            line = "_line"
        elif fmt is Format.CSV:
            first = (
                sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "_")))
                if path.is_dir()
                else [path]
            )
            delimiter = sniff_delimiter(first[0])
            names = csv_header(first[0], delimiter)
            check_case_clashes(path, names, model_reads)
            # a pair alike but for case that the model does not read is left out, as on the
            # embedded engine: the columns are named by position, then dropped
            unread = set(unread_clashes(names, model_reads))
            header = self.spark.read.options(header=True, sep=delimiter).csv(location).columns
            if unread and len(header) == len(names):
                header = [f"_unread_{i}" if n in unread else n for i, n in enumerate(names)]
            schema = StructType(
                [*(StructField(c, StringType()) for c in header), StructField(CORRUPT, StringType())]
            )
            df = (
                self.spark.read.schema(schema)
                .options(
                    header=True,
                    multiLine=True,
                    escape='"',
                    sep=delimiter,
                    mode="PERMISSIVE",
                    columnNameOfCorruptRecord=CORRUPT,
                )
                .csv(location)
            )
            df = df.withColumn("_pos", F.monotonically_increasing_id())
            df = df.drop(*(c for c in header if c.startswith("_unread_")))
            corrupt = CORRUPT
        else:
            reader = self.spark.read.options(
                primitivesAsString=True, mode="PERMISSIVE", columnNameOfCorruptRecord=CORRUPT
            )
            from pyspark.errors import AnalysisException

            try:
                df = reader.json(location)
            except AnalysisException as exc:  # keys alike but for case: Spark refuses the file
                if "COLUMN_ALREADY_EXISTS" not in str(exc):
                    raise
                try:
                    cased = self._cased_schema(reader.format("json"), location)
                except AnalysisException as again:  # a key given twice in one line, letter for letter
                    if "COLUMN_ALREADY_EXISTS" not in str(again):
                        raise
                    raise _repeated_key(path, str(again)) from None
                check_case_clashes(path, cased.names, model_reads)
                # a pair the model does not read is left out, as on the embedded engine
                unread = set(unread_clashes(cased.names, model_reads))
                df = reader.schema(_without(cased, unread)).json(location)
            for col in sorted(required - set(df.columns)):
                df = df.withColumn(col, F.lit(None).cast("string"))
            df = df.withColumn("_pos", F.monotonically_increasing_id())
            corrupt = CORRUPT if CORRUPT in df.columns else None
        json_lines = fmt is Format.JSONL
        shadowed = self._shadowed_properties(df, props, json_lines)
        raw_columns = df.columns
        df = self._flatten_properties(df, props, json_lines=json_lines)
        if wanted is not None:
            keep = [c for c in df.columns if c in wanted or c.startswith("_")]
            df = df.select(*keep)
        problems: list[tuple[str, str]] = []
        if json_lines:  # a list or record per line where one value is read: that line is bad
            df, problems = _nested_lines(df, (model_reads or set()) | props, set(props) - set(raw_columns))
        if fmt is Format.CSV:
            df, problems = _undecodable_rows(df)
        if fmt is not Format.PARQUET:
            # monotonically_increasing_id() is computed anew on every read: keep one reading
            from pyspark import StorageLevel

            df = df.persist(StorageLevel.MEMORY_AND_DISK)
            df.count()
        # positions tell rows apart: (file, row) for Parquet, a generated id otherwise
        return df, RawInput(
            "", location, order=order, line=line, corrupt=corrupt, order_unique=True, shadowed=shadowed,
            row_problems=problems,
        )  # fmt: skip

    def _cased_schema(self, reader: Any, location: str) -> Any:
        """The file's schema as `reader` infers it, its names in their case: Spark refuses a file
        with names alike but for case (it resolves names without case), but not when it is read
        with a given schema, which `_without` makes of this one."""
        key = "spark.sql.caseSensitive"
        before = self.spark.conf.get(key)
        self.spark.conf.set(key, "true")
        try:
            return reader.load(location).schema
        finally:
            self.spark.conf.set(key, before)

    @staticmethod
    def _shadowed_properties(df: Any, props: set[str], json_lines: bool = False) -> list[str]:
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
                p
                for p in both
                if df.filter(F.col(f"`{p}`").isNotNull() & given(p).isNotNull()).limit(1).count()
            ]
        return both

    @staticmethod
    def _flatten_properties(df: Any, props: set[str], json_lines: bool = False) -> Any:
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
                if not _is_nested(df.schema["properties"].dataType[p].dataType):
                    df = df.withColumn(p, F.coalesce(F.col(f"`{p}`").cast("string"), value.cast("string")))
        for p in sorted(props - set(df.columns)):
            if kind == "StructType":
                if p in df.schema["properties"].dataType.fieldNames():
                    value = F.col("properties").getField(p)
                    nested = _is_nested(df.schema["properties"].dataType[p].dataType)
                    df = df.withColumn(p, value if json_lines and nested else value.cast("string"))
            elif kind == "MapType":
                df = df.withColumn(p, F.col("properties").getItem(p).cast("string"))
            else:
                df = df.withColumn(p, F.get_json_object(F.col("properties"), f"$.{p}"))
        return df.drop("properties")

    def load_files(
        self,
        contacts: Path,
        events: Path | None,
        spec: ContactSpec,
        properties: tuple[str, ...],
        step: Step,
        late_duplicates: bool = False,  # only the embedded engine drops them late (see normalize_events)
    ) -> LoadReport:
        from leadscore.data.formats import check_input

        report = LoadReport()
        step(f"reading contacts from {contacts} with Spark")
        reads = {"contact_id", *spec.fields}
        df, raw = self._read(check_input(contacts, "contacts"), None, set(), {"contact_id"}, reads)
        df.createOrReplaceTempView("raw_contacts")
        raw.relation = "raw_contacts"
        report.files.append(normalize_contacts(self.executor, raw, spec))
        if events is None:
            empty_events(self.executor, properties)
            return report
        step(f"reading events from {events} with Spark")
        df, raw = self._read(
            check_input(events, "events"),
            {*EVENT_COLUMNS, *properties},
            set(properties),
            {"contact_id", "type", "timestamp"},
        )
        df.createOrReplaceTempView("raw_events")
        raw.relation = "raw_events"
        report.files.append(normalize_events(self.executor, raw, properties))
        return report

    # -- arrow, output ---------------------------------------------------------------------------

    def load_arrow(self, name: str, table: pa.Table) -> None:
        """Register an Arrow table as a temporary view; naive timestamps are read as UTC."""
        fields = [
            pa.field(f.name, pa.timestamp("us", tz="UTC"))
            if pa.types.is_timestamp(f.type) and f.type.tz is None
            else f
            for f in table.schema
        ]
        self.spark.createDataFrame(table.cast(pa.schema(fields))).createOrReplaceTempView(name)

    def fetch_arrow(self, sql: str) -> pa.Table:
        df = self.spark.sql(sql)
        if hasattr(df, "toArrow"):
            return df.toArrow()
        return pa.Table.from_pandas(df.toPandas(), preserve_index=False)  # Spark < 4

    def write_scores_table(self, name: str) -> None:
        target = self.table_ref(name)
        staging = self.table_ref(name + "__leadscore_new")
        self.spark.sql(f"DROP TABLE IF EXISTS {staging}")
        self.spark.sql(f"CREATE TABLE {staging} USING parquet AS SELECT * FROM scores")
        # Spark's catalog cannot swap two tables in one transaction: the old table is dropped
        # and the new one renamed right after, a window of one catalog call
        self.spark.sql(f"DROP TABLE IF EXISTS {target}")
        self.spark.sql(f"ALTER TABLE {staging} RENAME TO {target}")

    def score(self, cm: Any, layout: Any, as_of_us: int) -> pa.Table:
        return self.fetch_arrow(self.score_sql(cm, layout, as_of_us))

    def close(self) -> None:
        if self._own_session:
            self.spark.stop()
