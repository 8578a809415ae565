"""What the production server demands of the settings before it serves a single request.

`cadres serve` and config.wsgi:application call `require_production_settings()`; the
development server calls `refuse_development_server_in_production()`. Both raise
ImproperlyConfigured with a Chinese and an English message naming the variable to set.
"""

import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from gunicorn.glogging import Logger

# Django's own bar for a key (django.core.checks.security.base): length and variety.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def production_problems() -> list[str]:
    """Every reason the settings are not fit to serve production, as messages (empty: fit)."""
    problems = []
    if settings.DEBUG:
        problems.append(
            "DEBUG 已打开：调试页面会把设置和源代码暴露给任何访问者。请设置 DEBUG=0。"
            " / DEBUG is on: set DEBUG=0."
        )
    source = getattr(settings, "SECRET_KEY_SOURCE", "environment")
    key = settings.SECRET_KEY or ""
    if source != "environment":
        problems.append(
            "没有设置 SECRET_KEY 或 SECRET_KEY_FILE：生产服务器不用开发用的密钥签发会话。"
            "请把一个随机密钥（至少 50 个字符）写入文件并设置 SECRET_KEY_FILE=该文件，"
            "或设置 SECRET_KEY。"
            " / No SECRET_KEY or SECRET_KEY_FILE in the environment: the production server does"
            " not sign sessions with a development key. Set SECRET_KEY_FILE to a file holding a"
            " random key of 50+ characters, or set SECRET_KEY."
        )
    elif (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith("django-insecure-")
    ):
        problems.append(
            f"SECRET_KEY 太弱：至少 {SECRET_KEY_MIN_LENGTH} 个字符、不少于"
            f" {SECRET_KEY_MIN_UNIQUE_CHARACTERS} 种字符的随机串（SECRET_KEY 或 SECRET_KEY_FILE）。"
            f" / SECRET_KEY is too weak: use a random key of {SECRET_KEY_MIN_LENGTH}+ characters"
            " (SECRET_KEY or SECRET_KEY_FILE)."
        )
    return problems


def require_production_settings() -> None:
    """Refuse to serve production with DEBUG on or without a real key from the environment."""
    if problems := production_problems():
        raise ImproperlyConfigured(
            "生产服务器拒绝启动 / The production server refuses to start:\n"
            + "\n".join(f"- {problem}" for problem in problems)
        )


def refuse_development_server_in_production() -> None:
    """The development server (runserver, the demo) refuses the settings of a deployment.

    CADRES_HTTPS and PROXY_SSL_HEADER mean "deployed behind TLS"; the development server is
    single-threaded per request, serves files from the source tree and is not hardened.
    """
    deployed = [name for name, on in (
        ("CADRES_HTTPS", getattr(settings, "CADRES_HTTPS", False)),
        ("PROXY_SSL_HEADER", getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None),
    ) if on]
    if deployed:
        raise ImproperlyConfigured(
            f"开发服务器不用于生产环境（已设置 {', '.join(deployed)}）：请用 cadres serve，"
            "见 docs/deployment.md。"
            f" / The development server does not serve production ({', '.join(deployed)} set):"
            " use `cadres serve` (docs/deployment.md)."
        )


def pending_migrations(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The migrations not yet applied to the database, as "app.name", in the order to apply."""
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def pending_migrations_message(pending: list[str]) -> str:
    names = "、".join(pending[:5]) + ("…" if len(pending) > 5 else "")
    return (f"数据库还有 {len(pending)} 个迁移没有执行（{names}）：请先运行 cadres migrate。"
            f" / {len(pending)} migrations are not applied: run `cadres migrate` first.")


class ClientAddressFromProxy:
    """WSGI wrapper: the client's address from the proxy's header (CADRES_REAL_IP_HEADER).

    Behind nginx every request comes from 127.0.0.1, so the sign-in lockout (per user and
    address) and the audit record would see one address for everyone. The header is believed
    only on requests that come from the loopback interface (nginx on the same machine; the
    server binds to 127.0.0.1) and only when it holds an IP address.
    """

    def __init__(self, application: Callable[..., Iterable[bytes]], header: str) -> None:
        self.application = application
        self.key = "HTTP_" + header.strip().upper().replace("-", "_")

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        forwarded = environ.get(self.key, "").strip()
        if forwarded and _is_loopback(environ.get("REMOTE_ADDR", "")):
            try:
                environ["REMOTE_ADDR"] = str(ipaddress.ip_address(forwarded))
            except ValueError:
                pass
        return self.application(environ, start_response)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def production_wsgi(application: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """The production server's WSGI callable, after refusing unfit settings."""
    require_production_settings()
    header = getattr(settings, "CADRES_REAL_IP_HEADER", "")
    return ClientAddressFromProxy(application, header) if header else application


# Paths whose requests are never written to the access log: the voters' pages of a secret
# ballot, where a time and an address per cast could help link a voter to a ballot.
UNLOGGED_PATH_PREFIXES = ("/ballots/v/",)



class BallotSilentLogger(Logger):
    """gunicorn's logger, without access-log lines for UNLOGGED_PATH_PREFIXES."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if str(environ.get("PATH_INFO", "")).startswith(UNLOGGED_PATH_PREFIXES):
            return
        super().access(resp, req, environ, request_time)
