"""The one settings module of Budget Review.

Everything that differs between a laptop, CI and a server comes from environment
variables; the defaults are safe for local use (DEBUG off unless asked for, a local
PostgreSQL and Redis as started by ``bin/run``).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def local_secret_key() -> str:
    """A key made once for this checkout and kept in var/ (git-ignored), for DEBUG=1 only.

    Servers set SECRET_KEY (docker-compose.yml refuses to start without it); bin/run makes and
    passes one of its own (bin/_lib.sh local_secret_key).
    """
    path = BASE_DIR / "var" / "secret_key"
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


# With DEBUG off a missing key stays empty: a key made up here would differ between the web
# and worker containers and change whenever var/ is lost, logging everyone out. Django refuses
# any use of an empty key (ImproperlyConfigured), and the web and worker entry points read it at
# start-up (config/wsgi.py, config/celery.py), so a server never runs without the key it was
# given; commands that sign nothing (`parse_pdf`, `check_filing`, `export_filing`) still run.
SECRET_KEY = os.environ.get("SECRET_KEY", "") or (local_secret_key() if DEBUG else "")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "simple_history",
    # django-axes under its Chinese name (its strings: locale/zh_Hans/LC_MESSAGES/django.po).
    "config.apps.AxesConfig",
    "filings",
    "review",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "config.middleware.NoStoreForAuthenticatedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.input_guard.InputGuardMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgres://budget@127.0.0.1:54329/budget"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("FAST_PASSWORD_HASHER"):
    # Tests only: hashing with PBKDF2 would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: five wrong passwords for one user name (from anywhere) lock that name, and
# five from one address (for any names) lock that address, each for 15 minutes; keyed on the
# pair only, a spray across user names or addresses would never be throttled.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The client's address: REMOTE_ADDR, or the proxy's X-Forwarded-For when (and only when) the
# request comes from one of these addresses (docker-compose.yml: the TLS proxy's).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
# Reviewers (user names) given every department the first time a filing names it; none by
# default, where an admin assigns them (部门 › 审核员). bin/run names its demo reviewer.
DEFAULT_REVIEWERS = env_list("DEFAULT_REVIEWERS", "")
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

# No inline or third-party scripts anywhere: every script is a vendored static file.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

CSRF_FAILURE_VIEW = "config.errors.csrf_failure"

LOGIN_URL = "login"
# A session ends after this many seconds without a request (saved on each one, so the cookie's
# expiry moves with the user's activity): a desk left alone does not stay signed in for weeks.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploaded filings are never served publicly: no MEDIA_URL route exists.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Upload limits. One PDF may be this large; the request carries several of them.
UPLOAD_MAX_FILE_BYTES = env_int("UPLOAD_MAX_FILE_BYTES", 50 * 1024 * 1024)
# One request (the upload page) stores at most this many PDFs, zip members included, and this
# many bytes in all (the request body is refused unread when it is larger): a 100 KB zip of
# zeros must not turn into gigabytes.
UPLOAD_MAX_REQUEST_FILES = env_int("UPLOAD_MAX_REQUEST_FILES", 100)
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_BYTES", 200 * 1024 * 1024)
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", UPLOAD_MAX_REQUEST_FILES)
# Stored bytes, per uploader and for the whole store; past them an upload is refused in Chinese.
UPLOAD_QUOTA_PER_USER_BYTES = env_int("UPLOAD_QUOTA_PER_USER_BYTES", 5 * 1024 * 1024 * 1024)
UPLOAD_QUOTA_TOTAL_BYTES = env_int("UPLOAD_QUOTA_TOTAL_BYTES", 50 * 1024 * 1024 * 1024)
# Before a PDF is stored, a child process must open it (header, cross-reference table, a page)
# within these limits (filings/pdf_child.py); page images are rendered by one likewise.
PDF_CHECK_SECONDS = float(os.environ.get("PDF_CHECK_SECONDS") or 5)
PDF_CHECK_MEMORY_MB = env_int("PDF_CHECK_MEMORY_MB", 1024)
PAGE_RENDER_SECONDS = float(os.environ.get("PAGE_RENDER_SECONDS") or 20)
PAGE_RENDER_MEMORY_MB = env_int("PAGE_RENDER_MEMORY_MB", 1024)
ZIP_MAX_MEMBERS = env_int("ZIP_MAX_MEMBERS", 500)
ZIP_MAX_UNCOMPRESSED_BYTES = env_int("ZIP_MAX_UNCOMPRESSED_BYTES", 500 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = UPLOAD_MAX_FILES
FILE_UPLOAD_PERMISSIONS = 0o640

# Celery: Redis as broker; results are not needed (the document row records the outcome).
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:63799/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 50)
# KiB; a child that grew past this (a pathological PDF) is replaced after its task.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 1_000_000)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("PARSE_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = env_int("PARSE_HARD_TIME_LIMIT", 360)
# A scan read by OCR (filings.tasks.ocr_document, on the `ocr` queue): seconds a page, so longer.
OCR_SOFT_TIME_LIMIT = env_int("OCR_SOFT_TIME_LIMIT", 1800)
OCR_HARD_TIME_LIMIT = env_int("OCR_HARD_TIME_LIMIT", 1860)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish to a Redis that is down must fail fast: the sweeper re-sends later.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # Longer than the hard time limit, so an acks_late task is not redelivered while it runs.
    "visibility_timeout": max(CELERY_TASK_TIME_LIMIT, OCR_HARD_TIME_LIMIT) * 2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-documents": {
        "task": "filings.tasks.sweep_stale_documents",
        "schedule": timedelta(seconds=env_int("SWEEP_INTERVAL_SECONDS", 60)),
    },
}
# A document still `queued` or `parsing` after these many seconds is sent to a worker again.
SWEEP_QUEUED_AFTER_SECONDS = env_int("SWEEP_QUEUED_AFTER_SECONDS", 120)
SWEEP_PARSING_AFTER_SECONDS = env_int("SWEEP_PARSING_AFTER_SECONDS", CELERY_TASK_TIME_LIMIT + 60)
SWEEP_OCR_AFTER_SECONDS = env_int("SWEEP_OCR_AFTER_SECONDS", OCR_HARD_TIME_LIMIT + 60)
PARSE_MAX_ATTEMPTS = env_int("PARSE_MAX_ATTEMPTS", 5)

# Production hardening; `manage.py check --deploy` must be quiet with DEBUG off.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}
