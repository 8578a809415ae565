"""Helpers for tests that run jobs on the database queue: the worker loop, run in the test's
thread, and a hold on the page's job polls while it runs.

    settings.TASKS = DATABASE_QUEUE
    polls = HeldJobPolls(page)
    ...
    polls.hold(page); run_worker(); polls.release()
"""

import re
from typing import Any
from unittest import mock

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker(max_tasks: int | None = None) -> None:
    """The `cadres db_worker` loop, here: run what is queued, then return. (Its check for
    stale connections would close the test's own connection, inside the test's transaction.)"""
    from django_tasks_db.management.commands import db_worker

    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        db_worker.Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
                         startup_delay=False, max_tasks=max_tasks, worker_id="test-worker",
                         excluded_queue_names=[]).run()


class HeldJobPolls:
    """Holds a Playwright page's requests for job pages while the test touches the database.

    On SQLite the live server shares the test thread's in-memory database connection, so no
    request may be served while the test runs the worker; requests for job pages wait in the
    browser until `release()`.
    """

    def __init__(self, page: Any):
        self.held: list[Any] = []
        self.holding = False
        page.route(re.compile(r"/jobs/\d+/$"), self._route)

    def _route(self, route: Any) -> None:
        if self.holding:
            self.held.append(route)
        else:
            route.continue_()

    def hold(self, page: Any) -> None:
        self.holding = True
        page.wait_for_timeout(1500)  # a poll already on its way finishes

    def release(self) -> None:
        self.holding = False
        held, self.held = self.held, []
        for route in held:
            route.continue_()
