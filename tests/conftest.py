"""Shared fixtures of the plain suite: the real Redis and MariaDB on this machine.

They never skip: a missing server is a loud failure, because CI starts both before the tests.
Each test gets its own Redis key prefix and each xdist worker its own MariaDB database, so
parallel workers never see each other's state.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The suite asserts behaviour, never speed: Hypothesis's timing checks (a deadline per example, "input
# generation is slow") fail on a loaded machine without saying anything about the code.
settings.register_profile("suite", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("suite")

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("VERENIGINGEN_SHARED_DIR", REPO_ROOT.parent / "shared"))
MOLLIE_SPEC_PATH = SHARED_DIR / "mollie" / "openapi" / "specs.yaml"

pytest_plugins = ["tests.plugins.sandbox_fixtures", "tests.plugins.store_fixtures", "tests.plugins.fuzz_tally"]

REDIS_URL = os.environ.get("VERENIGINGEN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
MARIADB_SERVER_URL = os.environ.get("VERENIGINGEN_TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306")


def _require_port(host: str, port: int, what: str) -> None:
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError as exc:
        pytest.fail(f"{what} is not answering on {host}:{port} ({exc}); .ci/run starts it", pytrace=False)


@pytest.fixture(scope="session")
def redis_url() -> str:
    _require_port("127.0.0.1", 6379, "Redis")
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str):
    """A unique key prefix for one test; its keys are deleted afterwards."""
    import redis

    prefix = f"vtest:{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=prefix + "*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(scope="session")
def mariadb_url(worker_id: str):
    """A fresh database on the real MariaDB for this xdist worker."""
    import sqlalchemy as sa

    _require_port("127.0.0.1", 3306, "MariaDB")
    name = f"verenigingen_test_{worker_id}_{os.getpid()}".replace("-", "_")
    engine = sa.create_engine(MARIADB_SERVER_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"))
    yield f"{MARIADB_SERVER_URL}/{name}?charset=utf8mb4"
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))
    engine.dispose()


@pytest.fixture(scope="session")
def worker_id(request) -> str:  # overridden by pytest-xdist when it runs
    return getattr(request.config, "workerinput", {}).get("workerid", "main")


@pytest.fixture(scope="session")
def mollie_spec_path() -> Path:
    if not MOLLIE_SPEC_PATH.exists():
        pytest.fail(f"Mollie's OpenAPI description is missing at {MOLLIE_SPEC_PATH}", pytrace=False)
    return MOLLIE_SPEC_PATH
