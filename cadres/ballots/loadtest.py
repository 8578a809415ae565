"""A real production server and simulated voters over HTTP: for the crash and linkage tests
(VOTING.md tests 5 and 7) and the load benchmark (test 11, bench/voting_load.py).

`ProductionServer` runs `cadres serve` (gunicorn, the production settings: DEBUG off, the key
from the environment, persistent database connections) in a process group of its own, with its
stdout (the access log) and stderr (gunicorn's error log and the application's log) written to
files; it can be killed with SIGKILL (master and workers at once, or one worker) and restarted.
Its database connections carry an application_name, so a test can terminate exactly them.

`Voter` is one phone: it keeps its cookies (the CSRF token), fetches the voter page, sends
the code, then the ballot, and — like a person who sees no receipt — sends the same ballot again
after a failure (a connection reset, a 5xx, a server that is down), until a receipt comes back.
Standard library only (http.client).
"""

from __future__ import annotations

import http.client
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
APPLICATION_NAME = "cadres-ballots-server"
RECEIPT = re.compile(r'id="receipt">\s*([A-Z0-9]+)\s*<')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def with_application_name(database_url: str, name: str = APPLICATION_NAME) -> str:
    """The database URL with an application_name, so the server's connections can be told apart."""
    parts = urllib.parse.urlsplit(database_url)
    query = urllib.parse.parse_qsl(parts.query)
    query = [(key, value) for key, value in query if key != "application_name"] + [("application_name", name)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def cadres_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "config.cli", *args]


def collect_static(var_dir: Path, env: dict[str, str]) -> None:
    """`cadres collectstatic` into var_dir (once; the server then starts with --skip-collectstatic)."""
    if (var_dir / "static" / "staticfiles.json").exists():
        return
    subprocess.run(cadres_command("collectstatic", "--no-input", "-v", "0"), cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)


@dataclass
class ProductionServer:
    """`cadres serve` against `database_url`, with the given key (the codes' HMAC key must be
    the one they were issued with), logs under var_dir/logs."""

    database_url: str
    secret_key: str
    var_dir: Path
    workers: int = 3
    threads: int = 4
    port: int = field(default_factory=free_port)
    log_level: str = "INFO"
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.var_dir / "logs" / "access.log"

    @property
    def error_log(self) -> Path:
        return self.var_dir / "logs" / "error.log"

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("DJANGO_", "CADRES_", "PYTEST", "DATABASE"))}
        env.update({
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": with_application_name(self.database_url),
            "DATABASE_CONN_MAX_AGE": "600",
            "SECRET_KEY": self.secret_key,
            "DEBUG": "0",
            "CADRES_VAR_DIR": str(self.var_dir),
            "LOG_LEVEL": self.log_level,
            "PYTHONUNBUFFERED": "1",
        })
        return env

    def start(self, timeout: float = 60) -> None:
        env = self.env()
        (self.var_dir / "logs").mkdir(parents=True, exist_ok=True)
        collect_static(self.var_dir, env)
        with self.access_log.open("ab") as out, self.error_log.open("ab") as err:
            self.process = subprocess.Popen(
                cadres_command("serve", "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                               "--threads", str(self.threads), "--skip-collectstatic"),
                cwd=ROOT, env=env, stdout=out, stderr=err, start_new_session=True)
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cadres serve exited ({self.process.returncode}): "
                                   + self.error_log.read_text(errors="replace")[-2000:])
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/accounts/login/")
                connection.getresponse().read()
                connection.close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("cadres serve did not answer in time")

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: children of the master."""
        if self.process is None:
            return []
        master = self.process.pid
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid …; comm may hold spaces, so split after the last ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                children.append(int(entry.name))
        return children

    def kill_worker(self) -> int | None:
        """SIGKILL one worker (the master starts another)."""
        for pid in self.worker_pids():
            try:
                os.kill(pid, signal.SIGKILL)
                return pid
            except ProcessLookupError:
                continue
        return None

    def kill(self) -> None:
        """SIGKILL the master and every worker at once (the process group it was started in)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        """A graceful stop (SIGTERM), SIGKILL after a few seconds."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in (self.access_log, self.error_log)
                         if path.exists())


class Unacknowledged(Exception):
    """No usable answer (connection refused or reset, a timeout, a 5xx)."""


@dataclass
class Voter:
    """One phone on the room's network."""

    host: str
    port: int
    vote_id: int
    timeout: float = 30
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    latencies: list[tuple[str, float]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    connection: http.client.HTTPConnection | None = None

    def _request(self, kind: str, method: str, path: str, fields: Iterable[tuple[str, str]] = ()) -> tuple[int, str]:
        body = urllib.parse.urlencode(list(fields)) if method == "POST" else None
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except (OSError, http.client.HTTPException) as error:
            self.close()
            self.failures.append(f"{kind}: {type(error).__name__}")
            raise Unacknowledged(str(error)) from error
        self.latencies.append((kind, time.perf_counter() - started))
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({key: morsel.value for key, morsel in cookie.items()})
        if response.will_close:
            self.close()
        if response.status >= 500:
            self.failures.append(f"{kind}: HTTP {response.status}")
            raise Unacknowledged(f"HTTP {response.status}")
        if match := CSRF_FIELD.search(text):
            self.csrf = match.group(1)
        return response.status, text

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def open_page(self) -> None:
        status, _ = self._request("page", "GET", f"/ballots/v/{self.vote_id}/")
        if status != 200 or not self.csrf:
            raise RuntimeError(f"voter page: HTTP {status}")

    def send_code(self, code: str) -> str:
        status, text = self._request("code", "POST", f"/ballots/v/{self.vote_id}/",
                                     [("csrfmiddlewaretoken", self.csrf), ("code", code)])
        if status != 200:
            raise RuntimeError(f"code refused: HTTP {status}")
        return text

    def cast(self, code: str, fields: list[tuple[str, str]]) -> str:
        """Send the ballot; the receipt, or RuntimeError on a refusal (4xx)."""
        status, text = self._request("cast", "POST", f"/ballots/v/{self.vote_id}/ballot/",
                                     [("csrfmiddlewaretoken", self.csrf), ("code", code), *fields])
        match = RECEIPT.search(text)
        if status != 200 or match is None:
            error = re.search(r'role="alert"[^>]*>([^<]+)<', text)
            raise RuntimeError(f"ballot refused: HTTP {status} {error.group(1) if error else ''}")
        return match.group(1)

    def vote(self, code: str, fields: list[tuple[str, str]], *, full: bool = True, give_up_after: float = 60,
             pause: float = 0.2) -> str:
        """As a person would: open the page, send the code, send the ballot; after a failure
        with no answer, send the same ballot again (the page says so) until a receipt comes.
        `full=False` skips the code step (a phone that already shows the ballot)."""
        deadline = time.monotonic() + give_up_after
        stage = 0 if (full or not self.csrf) else 2
        while True:
            try:
                if stage == 0:
                    self.open_page()
                    stage = 1 if full else 2
                if stage == 1:
                    self.send_code(code)
                    stage = 2
                return self.cast(code, fields)
            except Unacknowledged:
                if time.monotonic() > deadline:
                    raise
                time.sleep(pause)
                if not self.csrf:
                    stage = 0


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of the values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(share * len(ordered))))
    return ordered[rank - 1]
