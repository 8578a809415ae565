"""Every setting of the project; production differs only through environment variables."""

from pathlib import Path

import dj_database_url

from config.env import env_bool, env_int, env_str, refuse_renamed_variables, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("CADRES_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

refuse_renamed_variables()  # HTTPS → CADRES_HTTPS
# SECRET_KEY / SECRET_KEY_FILE; without them a random key kept in var/secret_key (mode 0600).
# SECRET_KEY_SOURCE says which: the production server accepts only "environment".
SECRET_KEY, SECRET_KEY_SOURCE = secret_key(VAR_DIR)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in env_str("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "cadres.core",
    "cadres.audit",
    "cadres.accounts",
    "cadres.org",
    "cadres.people",
    "cadres.analytics",
    "cadres.plans",
    "cadres.jobs",
    "cadres.records",
    "cadres.cases",
    "cadres.assessments",
    "cadres.reserves",
    "cadres.alerts",
    "cadres.supervision",
    "cadres.appointment_forms",
    "cadres.ballots",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cadres.audit.context.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cadres.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cadres.core.middleware.IdleSessionMiddleware",
    "cadres.accounts.middleware.AccountGateMiddleware",
    "cadres.accounts.middleware.AccessPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
# What the development server (`runserver`, the demo) loads; production servers load
# config.wsgi:application, which refuses DEBUG and a key not given in the environment.
WSGI_APPLICATION = "config.wsgi.development_application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL picks the database; the default is an embedded SQLite file under var/.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cadres.sqlite3'}")
# Persistent connections: each server thread keeps its PostgreSQL connection for
# DATABASE_CONN_MAX_AGE seconds, checked before reuse (CONN_HEALTH_CHECKS).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and a busy timeout keep concurrent writers from failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the planner's row estimates for the as-of lookups (one a changed
    # person) start it, and compiling took 0.63 s of a 1.0 s structure report at 100,000
    # people (bench/structure.py); no query here runs long enough to gain from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Long work (roster imports, large exports, document batches) runs as background jobs on
# Django's task interface (the django-tasks backport), queued in the database: no broker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# The first page the user's roles open (cadres.accounts.views.home).
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up about a missing directory
MEDIA_ROOT = VAR_DIR / "media"
# Static files are served by the application (WhiteNoise) under content-hashed, compressed
# names once `cadres collectstatic` has run (`cadres serve` runs it); before that, as in the
# demo's development server, under their plain names (cadres.core.staticfiles).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "cadres.core.staticfiles.StaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# Served over HTTPS (CADRES_HTTPS=1): redirect, HSTS and secure cookies. Not `HTTPS`, which
# the standard library's wsgiref/CGI read as "this request came over TLS" (refused above).
CADRES_HTTPS = env_bool("CADRES_HTTPS", False)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and CADRES_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Production behind HTTPS: CADRES_HTTPS=1 turns on the redirect, HSTS and secure cookies.
# Behind a TLS-terminating proxy, also set PROXY_SSL_HEADER=1 (trusts X-Forwarded-Proto).
SECURE_SSL_REDIRECT = CADRES_HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600 if CADRES_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if env_bool("PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The header in which the proxy in front (nginx on the same machine) names the client's
# address, e.g. X-Real-IP; believed by the production server on loopback requests only.
CADRES_REAL_IP_HEADER = env_str("CADRES_REAL_IP_HEADER", "")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Idle sessions end after SESSION_IDLE_SECONDS without a request (cadres.core.middleware).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", SESSION_COOKIE_AGE)
# Sign-in lockout: this many failures per username and address within the window.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
OTP_TOTP_ISSUER = "干部工作管理系统"
# One-time codes are accepted this many 30-second steps either side of now; the first few
# wrong codes cost no waiting time, after that each one doubles the wait.
OTP_TOTP_TOLERANCE = env_int("OTP_TOTP_TOLERANCE", 1)
OTP_FAILURES_BEFORE_BACKOFF = env_int("OTP_FAILURES_BEFORE_BACKOFF", 3)
# Traces of reading (a 404 on a record's address, opening a card): at most one per user and
# record in this many seconds, and at most this many per user per hour.
ACCESS_TRACE_REPEAT_SECONDS = env_int("ACCESS_TRACE_REPEAT_SECONDS", 600)
ACCESS_TRACE_HOURLY_LIMIT = env_int("ACCESS_TRACE_HOURLY_LIMIT", 30)

# Roster files larger than this are refused before they are parsed.
ROSTER_MAX_BYTES = env_int("ROSTER_MAX_BYTES", 64 * 1024 * 1024)
# The address of the voters' page printed on the code slips (the meeting room's network); empty:
# the address the officer's browser used.
BALLOT_VOTER_URL = env_str("BALLOT_VOTER_URL", "")
# The 12380 line printed on the 任前公示 notices; comments on the public page per address an hour.
CASES_REPORT_LINE = env_str("CASES_REPORT_LINE", "")
CASES_PUBLIC_COMMENTS_PER_HOUR = env_int("CASES_PUBLIC_COMMENTS_PER_HOUR", 5)
# Roster exports of more people than this run as a background job.
ROSTER_EXPORT_INLINE_MAX = env_int("ROSTER_EXPORT_INLINE_MAX", 5000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
AUTH_USER_MODEL = "accounts.User"
