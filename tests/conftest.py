"""Shared test configuration: Hypothesis profiles and paths."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypedDict

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_DATA = ROOT.parent / "shared" / "data"


class _Common(TypedDict):
    deadline: None
    suppress_health_check: list[HealthCheck]


# CI runs fewer examples than a nightly run; `HYPOTHESIS_PROFILE=nightly pytest` digs deeper.
_common: _Common = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", max_examples=60, derandomize=True, **_common)
settings.register_profile("dev", max_examples=100, **_common)
settings.register_profile("nightly", max_examples=2000, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


# --- engines: servers are real; absent ones skip locally and fail in CI -----------------------

import contextlib  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

IN_CI = bool(os.environ.get("CI"))
PG_ADMIN_DSN = os.environ.get("LEADSCORE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
ENGINES = ("duckdb", "postgres", "spark")


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a required server is missing)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """A fresh UTF-8 database (C.UTF-8) for this test run, dropped at the end."""
    try:
        import psycopg
    except ImportError:
        unavailable("psycopg is not installed")
    name = f"leadscore_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_DSN, autocommit=True, connect_timeout=5)
    except Exception as exc:
        unavailable(f"PostgreSQL is not reachable at {PG_ADMIN_DSN}: {exc}")
    admin.execute(
        f"CREATE DATABASE {name} ENCODING 'UTF8' LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8' TEMPLATE template0"
    )
    dsn = PG_ADMIN_DSN.rsplit("/", 1)[0] + "/" + name
    try:
        yield dsn
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """One local Spark session for the whole test run."""
    try:
        from leadscore.engines.spark_engine import start_session

        session = start_session("local[2]", "leadscore-tests", {"spark.sql.shuffle.partitions": "2"})
    except Exception as exc:
        unavailable(f"Spark cannot start here: {exc}")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    with contextlib.suppress(Exception):
        session.stop()


@pytest.fixture(scope="session")
def runners(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {}


def make_runner(name: str, request: pytest.FixtureRequest) -> Any:
    from tests.engines.harness import EngineRunner, duckdb_runner

    cache: dict[str, Any] = request.getfixturevalue("runners")
    if name not in cache:
        if name == "duckdb":
            cache[name] = duckdb_runner()
        elif name == "postgres":
            from leadscore.engines.postgres_engine import PostgresEngine

            cache[name] = EngineRunner("postgres", engine=PostgresEngine(request.getfixturevalue("pg_dsn")))
        else:
            from leadscore.engines.spark_engine import SparkEngine

            cache[name] = EngineRunner("spark", engine=SparkEngine(request.getfixturevalue("spark_session")))
    return cache[name]


@pytest.fixture(params=ENGINES)
def runner(request: pytest.FixtureRequest) -> Any:
    return make_runner(request.param, request)


# --- the browser: Debian's Chromium driven by Playwright; absent, it skips locally, fails in CI -

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the run (`playwright install` cannot download one here)."""
    import shutil

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        unavailable("chromium is not installed (apt-get install -y chromium)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_offline(browser: Any, path: Path) -> Any:
    """Open a report file in a new page and check it loaded alone: no request but the file
    itself, no console or page error. Returns the page (close it when done)."""
    page = browser.new_page()
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    assert requests == [path.as_uri()], "the page fetched something besides the file itself"
    assert errors == []
    return page
