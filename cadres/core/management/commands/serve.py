"""`cadres serve`: the production server (gunicorn), settings from the environment only.

gunicorn rather than waitress: the product's heavy requests (a roster preview, a structure
export) are CPU-bound Python, and gunicorn runs several worker *processes* — one per core
and one more — so one such request does not hold the GIL for every other user, as it would in
waitress's single process. gunicorn also restarts a worker that hangs (timeout) or has grown
after many requests (max_requests), and reloads gracefully on HUP. It is Unix-only, which
suits the documented deployment (Linux, nginx in front for TLS and slow clients).
"""

import os
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication

from cadres.ballots.verification import require_ballots_intact
from cadres.core.production import (
    pending_migrations,
    pending_migrations_message,
    require_production_settings,
)

DEFAULT_BIND = "127.0.0.1:8000"
DEFAULT_THREADS = 4
DEFAULT_TIMEOUT = 120


def default_workers() -> int:
    """One worker process per core and one more, so a CPU-bound request leaves a core free."""
    return (os.cpu_count() or 1) + 1


class Command(BaseCommand):
    help = ("生产服务器（gunicorn）：检查设置（DEBUG 关闭、SECRET_KEY 来自环境变量）和迁移，"
            "收集静态文件，然后在 --bind 地址上服务。见 docs/deployment.md")

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=os.environ.get("CADRES_BIND", DEFAULT_BIND),
            help=f"监听地址 HOST:PORT 或 unix:PATH（环境变量 CADRES_BIND，默认 {DEFAULT_BIND}）")
        parser.add_argument(
            "--workers", type=int,
            default=int(os.environ.get("CADRES_WORKERS") or default_workers()),
            help="工作进程数（CADRES_WORKERS，默认 CPU 核数 + 1）")
        parser.add_argument(
            "--threads", type=int,
            default=int(os.environ.get("CADRES_THREADS") or DEFAULT_THREADS),
            help=f"每个进程的线程数（CADRES_THREADS，默认 {DEFAULT_THREADS}）")
        parser.add_argument(
            "--timeout", type=int,
            default=int(os.environ.get("CADRES_TIMEOUT") or DEFAULT_TIMEOUT),
            help=f"工作进程无响应多少秒后重启（CADRES_TIMEOUT，默认 {DEFAULT_TIMEOUT}）")
        parser.add_argument(
            "--skip-collectstatic", action="store_true",
            help="不收集静态文件（已另行运行 cadres collectstatic 时）")
        parser.add_argument(
            "--check", action="store_true",
            help="只做启动前的检查，不启动服务器")

    def handle(self, *args: Any, bind: str, workers: int, threads: int, timeout: int,
               skip_collectstatic: bool, check: bool, **options: Any) -> None:
        try:
            require_production_settings()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self._require_migrated()
        # Used codes must equal stored ballots for every vote (VOTING.md §9), or nothing serves.
        require_ballots_intact()
        if skip_collectstatic:
            self._require_collected()
        elif not check:
            call_command("collectstatic", interactive=False, verbosity=0)
        if check:
            self.stdout.write("生产服务器的启动检查通过 / production start-up checks passed")
            return
        # Workers are forked from this process: none may inherit its database connection.
        connections.close_all()
        self.stdout.write(
            f"干部工作管理系统 生产服务器：{bind}，{workers} 个进程 × {threads} 个线程",
        )
        sys.stdout.flush()
        ProductionServer({
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": timeout,
            "graceful_timeout": 30,
            "keepalive": 5,
            # A worker is replaced after about a thousand requests, which bounds what a large
            # import or export leaves behind in its memory.
            "max_requests": 1000,
            "max_requests_jitter": 100,
            "accesslog": "-",
            # Leaves out the voters' pages of a secret ballot (see BallotSilentLogger).
            "logger_class": "cadres.core.production.BallotSilentLogger",
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "cadres",
            "control_socket_disable": True,
        }).run()

    def _require_migrated(self) -> None:
        if pending := pending_migrations():
            raise CommandError(pending_migrations_message(pending))

    def _require_collected(self) -> None:
        manifest = settings.STATIC_ROOT / "staticfiles.json"
        if not manifest.exists():
            raise CommandError(
                f"静态文件还没有收集（没有 {manifest}）：请先运行 cadres collectstatic --no-input。"
                " / Static files are not collected: run `cadres collectstatic --no-input`."
            )


class ProductionServer(BaseApplication):
    """gunicorn configured from a dict, serving config.wsgi:application."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from config.wsgi import application

        return application
