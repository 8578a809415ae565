"""Findings 7 and 12: no public key signs a production session; `HTTPS` is not read.

The settings module is run afresh (runpy) with a controlled environment where only settings
matter, and in a subprocess where the entry points (`cadres serve`, config.wsgi) matter.
"""

from __future__ import annotations

import json
import os
import runpy
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cadres.core import production
from config import env as config_env

ROOT = Path(__file__).resolve().parents[3]
BASE_SETTINGS = ROOT / "config" / "settings" / "base.py"
STRONG_KEY = "k" * 20 + "-production-secret-with-enough-entropy-0123456789"
VARIABLES = ("SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "HTTPS", "CADRES_HTTPS",
             "PROXY_SSL_HEADER", "SECURE_COOKIES", "HSTS_SECONDS", "CADRES_REAL_IP_HEADER")


def load_settings(monkeypatch, tmp_path: Path, **variables: str) -> dict:
    """The base settings as a fresh process would compute them from these variables."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CADRES_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_SETTINGS))


def run_cadres(tmp_path: Path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in (*VARIABLES, "DJANGO_SETTINGS_MODULE", "CADRES_TEST_DATABASE")}
    environment |= {"CADRES_VAR_DIR": str(tmp_path / "var"),
                    "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **variables}
    return subprocess.run([sys.executable, "-m", "config.cli", *args], env=environment,
                          capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)


# --- the signing key -------------------------------------------------------------------------


def test_without_a_key_the_installation_makes_its_own_private_key(monkeypatch, tmp_path):
    # when
    first = load_settings(monkeypatch, tmp_path)
    second = load_settings(monkeypatch, tmp_path)
    # then: random, kept, readable by the owner only, never the public development key
    key_file = tmp_path / "var" / "secret_key"
    assert first["SECRET_KEY_SOURCE"] == "file"
    assert first["SECRET_KEY"] == second["SECRET_KEY"] == key_file.read_text().strip()
    assert first["SECRET_KEY"] != config_env.PUBLIC_DEVELOPMENT_KEY
    assert len(first["SECRET_KEY"]) >= production.SECRET_KEY_MIN_LENGTH
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_two_installations_get_different_keys(monkeypatch, tmp_path):
    # when
    one = load_settings(monkeypatch, tmp_path / "one")["SECRET_KEY"]
    other = load_settings(monkeypatch, tmp_path / "other")["SECRET_KEY"]
    # then
    assert one != other


def test_processes_starting_together_agree_on_one_key(tmp_path):
    # given
    path = tmp_path / "secret_key"
    keys: list[str] = []
    # when
    threads = [threading.Thread(target=lambda: keys.append(config_env.local_secret_key(path)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert len(keys) == 8 and len(set(keys)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_a_key_from_the_environment_or_a_file_is_the_production_key(monkeypatch, tmp_path):
    # given
    key_file = tmp_path / "key"
    key_file.write_text(STRONG_KEY + "\n")
    # when
    from_variable = load_settings(monkeypatch, tmp_path, SECRET_KEY=STRONG_KEY)
    from_file = load_settings(monkeypatch, tmp_path, SECRET_KEY_FILE=str(key_file))
    # then
    assert from_variable["SECRET_KEY"] == from_file["SECRET_KEY"] == STRONG_KEY
    assert from_variable["SECRET_KEY_SOURCE"] == from_file["SECRET_KEY_SOURCE"] == "environment"
    assert not (tmp_path / "var" / "secret_key").exists()


def test_the_public_development_key_is_refused_everywhere(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, tmp_path, SECRET_KEY=config_env.PUBLIC_DEVELOPMENT_KEY)


def test_an_unreadable_key_file_is_named(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY_FILE"):
        load_settings(monkeypatch, tmp_path, SECRET_KEY_FILE=str(tmp_path / "missing"))


@pytest.mark.parametrize(
    ("debug", "source", "key", "named"),
    [
        (False, "file", "x" * 60 + "abcdef", "SECRET_KEY_FILE"),
        (True, "environment", STRONG_KEY, "DEBUG"),
        (False, "environment", "short-key-12345", "SECRET_KEY"),
        (False, "environment", "django-insecure-" + STRONG_KEY, "SECRET_KEY"),
    ],
)
def test_production_refuses_unfit_settings(settings, debug, source, key, named):
    # given
    settings.DEBUG = debug
    settings.SECRET_KEY = key
    settings.SECRET_KEY_SOURCE = source
    # when / then
    with pytest.raises(ImproperlyConfigured) as refused:
        production.require_production_settings()
    assert named in str(refused.value)
    assert "拒绝启动" in str(refused.value) and "refuses to start" in str(refused.value)


def test_production_accepts_a_strong_key_from_the_environment(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = STRONG_KEY
    settings.SECRET_KEY_SOURCE = "environment"
    production.require_production_settings()


def test_cadres_serve_refuses_to_start_without_a_key(tmp_path):
    # when: DEBUG off (the default), no SECRET_KEY
    result = run_cadres(tmp_path, "serve", "--check")
    # then
    assert result.returncode == 1
    assert "SECRET_KEY_FILE" in result.stderr and "拒绝启动" in result.stderr
    assert "Traceback" not in result.stderr


def test_wsgi_application_refuses_but_the_development_server_runs_without_a_key(tmp_path):
    # given: what gunicorn config.wsgi:application and runserver (WSGI_APPLICATION) load
    code = (
        "import json, sys\n"
        "import config.wsgi as wsgi\n"
        "from django.conf import settings\n"
        "from django.core.exceptions import ImproperlyConfigured\n"
        "from cadres.core.staticfiles import StaticFilesStorage\n"
        "result = {'development': callable(wsgi.development_application),\n"
        "          'WSGI_APPLICATION': settings.WSGI_APPLICATION,\n"
        "          'plain_names': StaticFilesStorage.plain_names}\n"
        "try:\n"
        "    wsgi.application\n"
        "    result['production'] = 'started'\n"
        "except ImproperlyConfigured as error:\n"
        "    result['production'] = str(error)\n"
        "print(json.dumps(result))\n"
    )
    environment = {k: v for k, v in os.environ.items()
                   if k not in (*VARIABLES, "DJANGO_SETTINGS_MODULE", "CADRES_TEST_DATABASE")}
    environment |= {"CADRES_VAR_DIR": str(tmp_path), "DATABASE_URL": "sqlite:///:memory:"}
    # when
    result = subprocess.run([sys.executable, "-c", code], env=environment, cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    # then
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["development"] is True
    assert outcome["WSGI_APPLICATION"] == "config.wsgi.development_application"
    assert outcome["plain_names"] is True  # it serves the sources, never a collected manifest
    assert "SECRET_KEY" in outcome["production"]


def test_the_development_server_refuses_deployment_settings(settings):
    # given
    settings.CADRES_HTTPS = True
    # when / then
    with pytest.raises(ImproperlyConfigured, match="cadres serve"):
        production.refuse_development_server_in_production()
    settings.CADRES_HTTPS = False
    production.refuse_development_server_in_production()


# --- HTTPS → CADRES_HTTPS --------------------------------------------------------------------


def test_the_old_https_variable_is_refused_with_its_new_name(monkeypatch, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="CADRES_HTTPS"):
        load_settings(monkeypatch, tmp_path, HTTPS="1")


def test_the_development_server_does_not_start_with_the_old_variable(tmp_path):
    # when: the demo's server with HTTPS set, which wsgiref would copy into every request
    try:
        result = run_cadres(tmp_path, "runserver", "--noreload", "127.0.0.1:0", HTTPS="on")
    except subprocess.TimeoutExpired:
        pytest.fail("runserver started with HTTPS set")
    # then
    assert result.returncode == 1
    assert "CADRES_HTTPS" in result.stderr
    assert "Traceback" not in result.stderr


def test_cadres_https_turns_on_redirect_hsts_and_secure_cookies(monkeypatch, tmp_path):
    # when
    off = load_settings(monkeypatch, tmp_path)
    on = load_settings(monkeypatch, tmp_path, CADRES_HTTPS="1")
    # then
    assert (off["SECURE_SSL_REDIRECT"], off["SECURE_HSTS_SECONDS"], off["SESSION_COOKIE_SECURE"]) \
        == (False, 0, False)
    assert on["SECURE_SSL_REDIRECT"] is True
    assert on["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert on["SESSION_COOKIE_SECURE"] is True and on["CSRF_COOKIE_SECURE"] is True


# --- persistent connections ------------------------------------------------------------------


def test_postgresql_connections_persist_and_sqlite_connections_do_not(monkeypatch, tmp_path):
    # when
    sqlite = load_settings(monkeypatch, tmp_path)["DATABASES"]["default"]
    monkeypatch.setenv("DATABASE_URL", "postgres://cadres@127.0.0.1:5432/cadres")
    postgres = runpy.run_path(str(BASE_SETTINGS))["DATABASES"]["default"]
    # then
    assert sqlite["CONN_MAX_AGE"] == 0
    assert postgres["CONN_MAX_AGE"] == 600
    assert postgres["CONN_HEALTH_CHECKS"] is True


# --- the client's address behind nginx -------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        ("::1", "2001:db8::1", "2001:db8::1"),
        ("198.51.100.2", "203.0.113.7", "198.51.100.2"),  # not from the local proxy
        ("127.0.0.1", "203.0.113.7, 10.0.0.1", "127.0.0.1"),  # not one address
        ("127.0.0.1", "", "127.0.0.1"),
    ],
)
def test_the_client_address_comes_from_the_local_proxy_only(peer, header, expected):
    # given
    seen = {}

    def application(environ, start_response):
        seen["address"] = environ["REMOTE_ADDR"]
        return []

    wrapped = production.ClientAddressFromProxy(application, "X-Real-IP")
    # when
    wrapped({"REMOTE_ADDR": peer, "HTTP_X_REAL_IP": header}, None)
    # then
    assert seen["address"] == expected


# --- static files ----------------------------------------------------------------------------


def test_static_names_are_plain_until_collected_then_hashed(settings, tmp_path):
    from cadres.core.staticfiles import StaticFilesStorage

    # given
    settings.DEBUG = False
    # when: no manifest (the demo's development server)
    plain = StaticFilesStorage(location=tmp_path, base_url="/static/")
    # then
    assert plain.url("core/css/app.css") == "/static/core/css/app.css"
    # when: `cadres collectstatic` has written its manifest
    (tmp_path / "staticfiles.json").write_text(json.dumps(
        {"version": "1.1", "paths": {"core/css/app.css": "core/css/app.0123456789ab.css"}}))
    collected = StaticFilesStorage(location=tmp_path, base_url="/static/")
    # then
    assert collected.url("core/css/app.css") == "/static/core/css/app.0123456789ab.css"
    with pytest.raises(ValueError, match="manifest"):
        collected.url("core/css/missing.css")


def test_the_development_server_names_the_sources_even_after_a_collect(settings, tmp_path,
                                                                       monkeypatch):
    from cadres.core.staticfiles import StaticFilesStorage

    # given
    settings.DEBUG = False
    (tmp_path / "staticfiles.json").write_text(json.dumps(
        {"version": "1.1", "paths": {"core/css/app.css": "core/css/app.0123456789ab.css"}}))
    monkeypatch.setattr(StaticFilesStorage, "plain_names", True)
    # when
    url = StaticFilesStorage(location=tmp_path, base_url="/static/").url("core/css/app.css")
    # then
    assert url == "/static/core/css/app.css"
