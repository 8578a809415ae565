"""Fixtures of the ballots tests that run the production server (`cadres serve`, gunicorn)
against the test database: PostgreSQL only (the server is another process; it must see what
the test committed, as in a deployment)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cadres.ballots.loadtest import ProductionServer, collect_static


def database_url_of_tests() -> str:
    """The URL of the test database (the one pytest-django created), for another process."""
    values = connection.settings_dict
    password = f":{values['PASSWORD']}" if values.get("PASSWORD") else ""
    return (f"postgres://{values['USER']}{password}@{values['HOST'] or '127.0.0.1'}:{values['PORT'] or 5432}"
            f"/{values['NAME']}")


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The static files, collected once for every server of the run."""
    var_dir = tmp_path_factory.mktemp("ballots-server-var")
    server = ProductionServer(database_url="postgres://unused/unused", secret_key=settings.SECRET_KEY,
                              var_dir=var_dir)
    collect_static(var_dir, server.env())
    return var_dir / "static"


@pytest.fixture
def production_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProductionServer]:
    """`cadres serve` (3 processes × 4 threads) on the test database, its logs under tmp_path;
    killed after the test. Not started: the test starts it once its data is committed."""
    if connection.vendor != "postgresql":
        pytest.skip("the production server runs against PostgreSQL: run with DATABASE_URL=postgres://…")
    static: Path = request.getfixturevalue("collected_static")
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    (var_dir / "static").symlink_to(static, target_is_directory=True)
    server = ProductionServer(database_url=database_url_of_tests(), secret_key=settings.SECRET_KEY, var_dir=var_dir,
                              log_level="DEBUG")
    yield server
    server.kill()
