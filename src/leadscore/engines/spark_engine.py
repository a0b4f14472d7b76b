"""Apache Spark: batch scoring of the same compiled SQL where one machine is not enough."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from leadscore.compiled.ir import CompiledModel
from leadscore.diagnostics import LeadscoreError
from leadscore.output.columns import Layout
from leadscore.sql.dialects import SparkDialect
from leadscore.sql.query import DEFAULT_RELATIONS, Relations, build_score_query

INSTALL_HINT = "install Spark's Python package: pip install 'leadscore[spark]' (and Java 17)"

SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
}


def start_session(
    master: str = "local[2]", app_name: str = "leadscore", conf: dict[str, str] | None = None
) -> Any:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise LeadscoreError.simple(
            "S001", "the spark engine needs the pyspark package", INSTALL_HINT
        ) from None
    builder = SparkSession.builder.master(master).appName(app_name)
    for k, v in {**SESSION_CONF, **(conf or {})}.items():
        builder = builder.config(k, v)
    return builder.getOrCreate()


class SparkEngine:
    name = "spark"
    dialect = SparkDialect()

    def __init__(self, session: Any = None, master: str = "local[2]") -> None:
        self.spark = session if session is not None else start_session(master)
        self._own_session = session is None
        tz = self.spark.conf.get("spark.sql.session.timeZone")
        if tz not in ("UTC", "Etc/UTC", "Z", "+00:00"):
            raise LeadscoreError.simple(
                "S002",
                f"the Spark session's time zone is {tz}",
                "set spark.sql.session.timeZone=UTC (instants are UTC)",
            )

    def load_arrow(self, name: str, table: pa.Table) -> None:
        """Register an Arrow table as a temporary view; naive timestamps are read as UTC."""
        fields = []
        for f in table.schema:
            if pa.types.is_timestamp(f.type) and f.type.tz is None:
                fields.append(pa.field(f.name, pa.timestamp("us", tz="UTC")))
            else:
                fields.append(f)
        table = table.cast(pa.schema(fields))
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def score_sql(
        self, cm: CompiledModel, layout: Layout, as_of_us: int, relations: Relations = DEFAULT_RELATIONS
    ) -> str:
        return self.dialect.render(
            build_score_query(cm, layout, as_of_us, self.dialect, relations), pretty=False
        )

    def fetch_arrow(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def score(
        self, cm: CompiledModel, layout: Layout, as_of_us: int, relations: Relations = DEFAULT_RELATIONS
    ) -> pa.Table:
        return self.fetch_arrow(self.score_sql(cm, layout, as_of_us, relations))

    def close(self) -> None:
        if self._own_session:
            self.spark.stop()
