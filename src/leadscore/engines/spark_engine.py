"""Apache Spark: batch scoring of the same compiled SQL where one machine is not enough.

Files are read with Spark's own readers (CSV, Parquet and JSON Lines, single files or folders of
part files) and normalised with Spark SQL; existing tables are normalised the same way. Parquet
rows keep their row number for bad-row reports; Spark's CSV and JSON readers do not expose line
numbers, so those rows are reported by their id.
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa

from leadscore.data.normalize import (
    ContactSpec,
    RawInput,
    empty_events,
    normalize_contacts,
    normalize_events,
)
from leadscore.data.report import LoadReport
from leadscore.data.sqltyping import SparkTyping, Typing
from leadscore.diagnostics import LeadscoreError
from leadscore.engines.base import Engine, Step
from leadscore.engines.spark_files import read_file
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
# settings of the caller's that would change what leadscore's SQL means: a timestamp literal
# without a zone read as local time (TIMESTAMP_NTZ), a quote in a literal taken as written
PINNED = {"spark.sql.timestampType": "TIMESTAMP_LTZ", "spark.sql.parser.escapedStringLiterals": "false"}
UTC_NAMES = ("UTC", "Etc/UTC", "Z", "+00:00", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal", "Zulu")


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


def private_session(user: Any) -> Any:
    """A session of leadscore's own beside the caller's, so that its temporary views
    (`contacts`, `events`, `scores`, ...) never replace a notebook user's views of those names.

    It shares the caller's SparkContext, catalog and cache, starts in the caller's current
    catalog and database, and takes the caller's runtime SQL settings (the time zone, shuffle
    partitions, ...). Where a second session cannot be made (Spark Connect), the caller's own.
    """
    try:
        private = user.newSession()
    except Exception:  # Spark Connect has no newSession: leadscore's views share the caller's
        return user
    for key, value in user.sql("SET").collect():  # the settings made, as (key, value) rows
        if key.startswith("spark.sql.") and user.conf.isModifiable(key) and key not in PINNED:
            private.conf.set(key, value)
    for key, value in PINNED.items():
        private.conf.set(key, value)
    private.catalog.setCurrentCatalog(user.catalog.currentCatalog())
    private.catalog.setCurrentDatabase(user.catalog.currentDatabase())
    return private


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
        self._held: list[Any] = []  # DataFrames read_file persisted (CSV, JSON Lines)

    def execute(self, sql: str) -> None:
        self.spark.sql(sql).collect()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def columns(self, relation: str) -> dict[str, str]:
        schema = self.spark.sql(f"SELECT * FROM {relation} LIMIT 0").schema
        return {f.name: _category(f.dataType) for f in schema.fields}

    def materialize(self, name: str, select: str) -> None:
        from pyspark import StorageLevel

        df = self.spark.sql(select)
        # the same data the caller cached (`SELECT *` of a cached view) is read from that cache,
        # and left to the caller: unpersisting it would drop the caller's cache
        mine = df.storageLevel == StorageLevel.NONE
        if mine:
            df = df.persist(StorageLevel.MEMORY_AND_DISK)
        df.count()  # compute now: later reads (and non-deterministic ids) see one result
        old = self._cached.pop(name, None)
        df.createOrReplaceTempView(name)
        if mine:
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

    def within_years(self, raw: RawInput, column: str) -> bool:
        return False  # no file statistics read here: typed instants are checked row by row

    def release(self) -> None:
        """Free the cached relations (a notebook's session outlives the run)."""
        for df in [*self._cached.values(), *self._held]:
            df.unpersist()
        self._cached.clear()
        self._held.clear()

    def hold(self, df: Any) -> None:
        """Unpersist `df` on release."""
        self._held.append(df)

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        old = self._cached.pop(name, None)
        if old is not None:
            old.unpersist()


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
        # the caller's session (a notebook's): input tables are read in it, by its names
        self.user_spark = session if session is not None else start_session(master)
        self.spark = private_session(self.user_spark)
        # an unqualified table name is in the caller's current database (for same_table)
        self.default_schema = self.user_spark.catalog.currentDatabase()
        tz = self.spark.conf.get("spark.sql.session.timeZone")
        if tz not in UTC_NAMES:
            raise LeadscoreError.simple(
                "S002",
                f"the Spark session's time zone is {tz}",
                "set spark.sql.session.timeZone=UTC (instants are UTC)",
            )
        self.executor: SparkExecutor = SparkExecutor(self.spark)
        self._shared_views: list[str] = []  # global temporary views that hand inputs over

    def input_ref(self, name: str) -> str:
        """The caller's table or view `name`, resolved in the caller's session (its temporary
        views, its current database) and handed to leadscore's own session as a global
        temporary view, dropped on close."""
        if self.spark is self.user_spark:
            return self.table_ref(name)
        try:
            known = self.user_spark.catalog.tableExists(name)
        except Exception:  # a name the catalog cannot parse: the query below says why
            known = True
        if not known:  # Spark logs a Java stack trace for a query of a missing table
            raise LookupError(f"no table or view {name} in the catalog or the session")
        # `WHERE true`: a plan of its own, which a cache of the caller's still serves, and which
        # dropping the view afterwards uncaches (the bare `SELECT *` would uncache the caller's)
        df = self.user_spark.sql(f"SELECT * FROM {self.table_ref(name)} WHERE true")
        view = f"leadscore_{uuid.uuid4().hex[:16]}"
        df.createOrReplaceGlobalTempView(view)
        self._shared_views.append(view)
        return f"{self.user_spark.conf.get('spark.sql.globalTempDatabase', 'global_temp')}.{view}"

    # -- files ---------------------------------------------------------------------------------

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
        df, raw = read_file(self.spark, check_input(contacts, "contacts"), None, set(), {"contact_id"}, reads)
        self.executor.hold(df)
        df.createOrReplaceTempView("raw_contacts")
        raw.relation = "raw_contacts"
        report.files.append(normalize_contacts(self.executor, raw, spec))
        if events is None:
            empty_events(self.executor, properties)
            return report
        step(f"reading events from {events} with Spark")
        df, raw = read_file(
            self.spark,
            check_input(events, "events"),
            {*EVENT_COLUMNS, *properties},
            set(properties),
            {"contact_id", "type", "timestamp"},
        )
        self.executor.hold(df)
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
        from pyspark.errors import PySparkException

        self._refuse_a_view(name)
        # qualified: an unqualified name would find a temporary view first (leadscore's `scores`)
        name = name if "." in name else f"{self.default_schema}.{name}"
        target = self.table_ref(name)
        # a name of leadscore's own for the new table (a user's `t__leadscore_new` is left alone)
        staging = self.table_ref(f"{name}__leadscore_{uuid.uuid4().hex[:12]}")
        # RENAME TO names the table within its catalog: `crm.scores` for `spark_catalog.crm.scores`
        renamed = self.table_ref(".".join(name.split(".")[-2:]))
        try:
            self.spark.sql(f"CREATE TABLE {staging} USING parquet AS SELECT * FROM scores")
            # Spark's catalog cannot swap two tables in one transaction: the old table is dropped
            # and the new one renamed right after, a window of one catalog call
            self.spark.sql(f"DROP TABLE IF EXISTS {target}")
            self.spark.sql(f"ALTER TABLE {staging} RENAME TO {renamed}")
        except PySparkException as exc:
            with contextlib.suppress(PySparkException):  # no half-made table left behind
                self.spark.sql(f"DROP TABLE IF EXISTS {staging}")
            first = str(exc).strip().splitlines()[0]
            hint = "name a table in a database the catalog holds"
            if "LOCATION_ALREADY_EXISTS" in first:  # the files of a table an earlier session wrote
                hint = (
                    "a table of that name was written by an earlier Spark session whose catalog this "
                    "one does not share (local Spark keeps its catalog in memory): use a shared catalog "
                    "(a Hive metastore) or remove the table's folder under spark-warehouse/"
                )
            raise LeadscoreError.simple(
                "C006", f"--out-table: cannot write the table {name} ({first})", hint
            ) from None
        if self.user_spark is not self.spark:  # the caller's session knew the old table's files
            with contextlib.suppress(PySparkException):
                self.user_spark.catalog.refreshTable(name)

    def _refuse_a_view(self, name: str) -> None:
        """C006 for a view of that name (it would be replaced), or a temporary view of the
        caller's (which would hide the table from the caller)."""
        catalog = self.user_spark.catalog
        try:
            found = catalog.getTable(name) if catalog.tableExists(name) else None
        except Exception:  # a name the catalog cannot look up: the write reports it
            return
        if found is not None and (found.isTemporary or str(found.tableType).upper() == "VIEW"):
            kind = "a temporary view" if found.isTemporary else "a view"
            raise LeadscoreError.simple(
                "C006", f"--out-table: {name} is {kind}; leadscore writes and replaces tables only",
                "name a table (a new name makes one), or drop the view first",
            )  # fmt: skip

    def score(self, cm: Any, layout: Any, as_of_us: int) -> pa.Table:
        return self.fetch_arrow(self.score_sql(cm, layout, as_of_us))

    def query_errors(self) -> tuple[type[BaseException], ...]:
        from pyspark.errors import PySparkException

        return (PySparkException,)

    def close(self) -> None:
        self.executor.release()
        for view in self._shared_views:
            self.user_spark.catalog.dropGlobalTempView(view)
        self._shared_views.clear()
        if self._own_session:
            self.user_spark.stop()
