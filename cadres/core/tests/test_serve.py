"""docs/deployment.md followed word for word: the production server starts and a user signs in.

The test takes the settings block and the commands block of the page as written, changes only
what must be its own (key file, database, var directory, port, the settings file's path), runs
the commands with bash, and then talks to the server as nginx would (Host, X-Forwarded-Proto,
X-Real-IP): GET the login page, POST the form with the CSRF token, follow to the roster.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "deployment.md"
DEPLOY = ROOT / "deploy"
ENV_FILE_IN_DOC = "/etc/cadres/cadres.env"
BIN = Path(sys.executable).parent
CLIENT_ADDRESS = "203.0.113.7"
USERNAME = "h6-operator"
PASSWORD = "serve-test-password-7f3a"
START_SECONDS = 90


def marked_block(text: str, marker: str) -> str:
    """The fenced code between <!-- marker --> and <!-- /marker -->."""
    match = re.search(
        rf"<!-- {marker} -->\s*```\w*\n(.*?)```\s*<!-- /{marker} -->", text, re.DOTALL
    )
    assert match, f"docs/deployment.md has no <!-- {marker} --> block"
    return match.group(1)


def parse_env(block: str) -> dict[str, str]:
    pairs = {}
    for line in block.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """Just enough of a browser behind nginx: cookies by hand (they are Secure), proxy headers."""

    def __init__(self, port: int, host: str) -> None:
        self.port = port
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None,
                proxied: bool = True) -> http.client.HTTPResponse:
        headers = {"Host": self.host}
        if proxied:
            headers |= {"X-Forwarded-Proto": "https", "X-Real-IP": CLIENT_ADDRESS}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{self.host}",
                "Referer": f"https://{self.host}{path}",
            }
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        connection.close()
        return response


@pytest.fixture
def production_server(tmp_path: Path) -> Iterator[dict]:
    doc = DOC.read_text(encoding="utf-8")
    documented = parse_env(marked_block(doc, "production-environment"))
    commands = marked_block(doc, "production-commands")
    assert ENV_FILE_IN_DOC in commands
    # given: the documented settings with this test's own key, database, directory and port
    port = free_port()
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50) + "\n", encoding="utf-8")
    own = {
        "SECRET_KEY_FILE": str(key_file),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cadres.sqlite3'}",
        "CADRES_VAR_DIR": str(tmp_path / "var"),
        "CADRES_BIND": f"127.0.0.1:{port}",
        "CADRES_WORKERS": "2",
    }
    assert set(own) <= set(documented), "the settings block lost a variable the server needs"
    settings_file = tmp_path / "cadres.env"
    settings_file.write_text(
        "".join(f"{name}={value}\n" for name, value in (documented | own).items()),
        encoding="utf-8",
    )
    script = commands.replace(ENV_FILE_IN_DOC, str(settings_file))
    environment = {
        name: value for name, value in os.environ.items()
        # The test process's own settings stay out of the server's environment, among them
        # DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set and `check --deploy` refuses.
        if name not in ("DJANGO_SETTINGS_MODULE", "CADRES_TEST_DATABASE", "SECRET_KEY",
                        "DJANGO_ALLOW_ASYNC_UNSAFE", *documented)
    }
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    log_path = tmp_path / "server.log"
    # when
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["bash", "-e", "-c", script], cwd=tmp_path, env=environment,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"the documented commands stopped (exit {process.returncode}):\n"
                            + log_path.read_text(errors="replace")[-4000:])
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("the server did not listen in time:\n"
                                + log_path.read_text(errors="replace")[-4000:])
                time.sleep(0.2)
        yield {
            "port": port,
            "host": documented["ALLOWED_HOSTS"].split(",")[0],
            "env": environment | documented | own,
            "database": tmp_path / "cadres.sqlite3",
            "log": log_path,
        }
    finally:
        # SIGINT: gunicorn's quick shutdown (SIGTERM would wait for keep-alive connections).
        # The group may be gone already (the server stopped on its own): nothing to stop then.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def create_user(env: dict[str, str]) -> None:
    code = (
        "from cadres.accounts.services import user_create; "
        f"user_create(actor=None, username={USERNAME!r}, full_name='运维测试', "
        f"password={PASSWORD!r}, must_change_password=False, is_superuser=True)"
    )
    result = subprocess.run(
        [str(BIN / "cadres"), "shell", "--no-imports", "-c", code],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_documented_production_server_signs_a_user_in(production_server):
    from django.urls import reverse

    port, host = production_server["port"], production_server["host"]
    create_user(production_server["env"])
    browser = Browser(port, host)
    login_path = reverse("accounts:login")
    # when: plain HTTP straight to the server (not through nginx)
    direct = browser.request("GET", login_path, proxied=False)
    # then: CADRES_HTTPS from the settings file is in force
    assert direct.status == 301
    assert direct.headers["Location"] == f"https://{host}{login_path}"

    # when: as nginx passes it on
    page = browser.request("GET", login_path)
    # then
    assert page.status == 200, page.text[:500]
    assert page.headers["Server"].startswith("gunicorn")
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page.text).group(1)
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), "static names are not hashed"

    # when
    response = browser.request(
        "POST", login_path,
        {"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD},
    )
    hops = 0
    while response.status in (301, 302) and hops < 5:
        location = urlsplit(response.headers["Location"])
        query = f"?{location.query}" if location.query else ""
        response = browser.request("GET", location.path + query)
        hops += 1
    # then: signed in, on the roster
    assert response.status == 200, response.text[:500]
    assert location.path == reverse("people:roster")
    assert "登录" not in re.search(r"<title>(.*?)</title>", response.text, re.DOTALL).group(1)
    session_cookie = browser.cookies.get("sessionid")
    assert session_cookie, "no session cookie"

    # then: the static file is served by the application, compressed, cached for a year
    static = browser.request("GET", stylesheet)
    assert static.status == 200
    assert "immutable" in static.headers["Cache-Control"]

    # then: the sign-in is recorded with the client's address from nginx, not 127.0.0.1
    with sqlite3.connect(production_server["database"]) as database:
        addresses = {row[0] for row in database.execute(
            "SELECT ip_address FROM accounts_loginattempt WHERE username = ?", (USERNAME,))}
    assert addresses == {CLIENT_ADDRESS}


def test_nginx_accepts_an_upload_as_large_as_the_roster_limit():
    from django.conf import settings

    # given
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    documented = parse_env(marked_block(DOC.read_text(encoding="utf-8"), "production-environment"))
    # when
    size = re.search(r"client_max_body_size\s+(\d+)m;", nginx).group(1)
    limit = int(documented["ROSTER_MAX_BYTES"])
    # then: the file plus its form fits, and the documented limit is the default
    assert limit == settings.ROSTER_MAX_BYTES
    assert limit < int(size) * 1024 * 1024 <= limit + 4 * 1024 * 1024
    bind = documented["CADRES_BIND"]
    assert f"proxy_pass http://{bind};" in nginx


def test_systemd_units_run_the_documented_commands_with_the_settings_file():
    # given
    server = (DEPLOY / "cadres.service").read_text(encoding="utf-8")
    worker = (DEPLOY / "cadres-worker.service").read_text(encoding="utf-8")
    backup = (DEPLOY / "cadres-backup.service").read_text(encoding="utf-8")
    # then
    for unit in (server, worker, backup):
        assert f"EnvironmentFile={ENV_FILE_IN_DOC}" in unit
        assert "User=cadres" in unit
    assert "ExecStart=/opt/cadres/venv/bin/cadres serve\n" in server
    assert "ExecStart=/opt/cadres/venv/bin/cadres db_worker" in worker
    assert "cadres backup /var/backups/cadres/" in backup
