"""Django settings, read only from environment variables (see docs/operations.md for the list)."""

from pathlib import Path

import dj_database_url

from zerodisturb.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    local_secret,
    new_fernet_key,
    new_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ZD_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
SECRETS_FILE = Path(env_str("ZD_SECRETS_FILE", str(BASE_DIR / ".local-secrets.json")))

SECRET_KEY = local_secret("SECRET_KEY", SECRETS_FILE, new_secret_key)
# Key for personal data at rest (ID and phone numbers): AES-GCM key, urlsafe base64 of 32 bytes.
PII_KEY = local_secret("PII_KEY", SECRETS_FILE, new_fernet_key)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Behind HTTPS in production: secure cookies, HSTS and redirect. Off for the loopback demo.
HTTPS = env_bool("ZD_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = env_int("ZD_SESSION_SECONDS", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
# Content-Security-Policy sent by web.middleware.SecurityHeadersMiddleware ("" switches it off).
CONTENT_SECURITY_POLICY = env_str(
    "ZD_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    # bottom layer first: nothing below imports from anything above it
    "zerodisturb.audit",
    "zerodisturb.workdays",
    "zerodisturb.accounts",
    "zerodisturb.registry",
    "zerodisturb.notifications",
    "zerodisturb.problems",
    "zerodisturb.commissioning",
    "zerodisturb.contracts",
    "zerodisturb.credentials",
    "zerodisturb.visits",
    "zerodisturb.evaluations",
    "zerodisturb.complaints",
    "zerodisturb.scorecards",
    "zerodisturb.alerts",
    "zerodisturb.surveys",
    "zerodisturb.oversight",
    "zerodisturb.deadlines",
    "zerodisturb.public",
    "zerodisturb.web",
    "zerodisturb.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "zerodisturb.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "zerodisturb.web.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "zerodisturb.web.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "zerodisturb.urls"
WSGI_APPLICATION = "zerodisturb.wsgi.application"

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
                "django.template.context_processors.i18n",
                "zerodisturb.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while the worker writes; IMMEDIATE makes writers queue, not fail.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Connections persist as on the other engines (DB_CONN_MAX_AGE): opening one costs ~1 ms
    # (Django's SQL functions, the PRAGMAs) and closing the last one checkpoints the WAL.
if replica_url := env_str("DATABASE_REPLICA_URL", ""):
    # A streaming replica of the primary; zerodisturb.dbrouter sends only opted-in reads there.
    DATABASES["replica"] = dj_database_url.parse(
        replica_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["zerodisturb.dbrouter.ReplicaRouter"]
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DB_PREPARED_STATEMENTS", True
    ):
        # The gate's few hot statements run as prepared statements (zerodisturb.prepared.cursor);
        # Django's own cursors bind on the client and are never prepared. Off (false) behind a
        # pooler in transaction mode that does not keep prepared statements (docs/operations.md).
        _db.setdefault("OPTIONS", {})["prepare_threshold"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "zerodisturb.accounts.backends.LockoutModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOGIN_FAILURE_LIMIT = env_int("ZD_LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES = env_int("ZD_LOGIN_LOCKOUT_MINUTES", 15)

LANGUAGE_CODE = "zh-hans"
# Each language named in itself, as a language switch should.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "zerodisturb" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "ZD_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": env_str("ZD_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Notifications: in-app always; email through Django's backend; SMS through a pluggable adapter.
SITE_URL = env_str("ZD_SITE_URL", "http://127.0.0.1:8000")
NOTIFY_BY_EMAIL = env_bool("ZD_NOTIFY_BY_EMAIL", False)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@zerodisturb.local")
SMS_ADAPTER = env_str("ZD_SMS_ADAPTER", "zerodisturb.notifications.sms.ConsoleSmsAdapter")
MEDIA_MAX_PDF_BYTES = 20 * 1024 * 1024
# Public endpoints are rate-limited per client address (requests per minute).
RATE_LIMIT_VERIFY = env_int("ZD_RATE_LIMIT_VERIFY", 60)
# A valid code scanned again is logged within this many milliseconds, in a batch; 0 writes each
# scan before answering. Refusals and first valid scans are always written at once.
SCAN_LOG_BATCH_MS = env_int("ZD_SCAN_LOG_BATCH_MS", 1000)
# Sign-in attempts per client address per minute (on top of the per-account lockout).
RATE_LIMIT_LOGIN = env_int("ZD_RATE_LIMIT_LOGIN", 30)
# /bench/bare, the yardstick of bench/scan_verify.py; never on in production.
BENCH_ENDPOINTS = env_bool("ZD_BENCH_ENDPOINTS", False)
CACHES = {
    "default": {
        "BACKEND": env_str("ZD_CACHE_BACKEND", "zerodisturb.cache.LocMemCache"),
        "LOCATION": env_str("ZD_CACHE_LOCATION", "zerodisturb"),
    }
}
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Django's default of 300 entries is culled at random within minutes by a day of scans
    # (a stamp, the facts and their parts per visit, a rate-limit counter per client):
    # every culled stamp makes the next scan rebuild. 50,000 small entries is a few tens of MB.
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": env_int("ZD_CACHE_MAX_ENTRIES", 50_000)}
# A CJK TrueType font that reportlab can embed in PDFs (Debian fonts-wqy-microhei).
CJK_FONT_PATH = env_str("ZD_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")

# The county this deployment serves by default (GB/T 2260 code); every record carries its own.
DEFAULT_COUNTY_CODE = env_str("ZD_COUNTY_CODE", "330282")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
