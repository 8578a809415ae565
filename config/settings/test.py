"""Test settings: the base settings with a fast password hasher."""

import os

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Several test runs on one PostgreSQL server (e.g. two checkouts) each take a database of
# their own: CADRES_TEST_DATABASE names it (default test_<name>).
if test_database := env_str("CADRES_TEST_DATABASE", ""):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": test_database}  # noqa: F405

# Jobs run at once, in the request that starts them (django-tasks' immediate backend), so a
# test sees a job's result without a worker. Tests of the queue itself switch to the database
# backend (cadres/jobs/tests) and run the worker when they choose.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# On SQLite the test database is a file, as in production (WAL, busy timeout): an in-memory
# database shared with the live server's threads answers a concurrent writer with "database
# table is locked" at once instead of waiting, which no deployment does. One file per test
# run (process), so two runs in one checkout do not share it; pytest-django removes it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not test_database:  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(VAR_DIR / f"test-cadres-{os.getpid()}.sqlite3"),  # noqa: F405
    }
