"""Django settings. Operators configure Tanto through environment variables read in tanto.config."""

from __future__ import annotations

import os
from pathlib import Path

from tanto import config

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

DEBUG = config.env_flag("TANTO_DEBUG")
SECRET_KEYS = config.secret_keys(DATA_DIR)
SECRET_KEY = SECRET_KEYS.django_secret_key()
SECRET_KEY_FALLBACKS = SECRET_KEYS.django_fallbacks()
ENCRYPTION_KEYS = SECRET_KEYS.fernet_keys()
LOOKUP_KEYS = SECRET_KEYS.lookup_keys()

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("TANTO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("TANTO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks_db",
    "tanto.core",
    "tanto.accounts",
    "tanto.contacts",
    "tanto.catalog",
    "tanto.inventory",
    "tanto.sales",
    "tanto.purchasing",
    "tanto.settings_ui",
    "tanto.integrations",
    "tanto.integrations.quickbooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tanto.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "tanto.urls"
ASGI_APPLICATION = "tanto.asgi.application"
WSGI_APPLICATION = "tanto.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tanto.accounts.context_processors.workspace",
                "tanto.integrations.context_processors.connection_banner",
            ],
        },
    }
]

DATABASES = {"default": config.database_settings(os.environ.get("DATABASE_URL"), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Intuit's password policy: at least 8 characters (hashing: Django's default PBKDF2-SHA256).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

# The app and the QuickBooks emulator share 127.0.0.1 in the demo, and browsers do not separate cookies
# by port: our cookies carry our own names so signing in to one never signs you out of the other.
SESSION_COOKIE_NAME = "tanto_session"
CSRF_COOKIE_NAME = "tanto_csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = config.env_flag("TANTO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if config.env_flag("TANTO_BEHIND_PROXY") else None
)
SECURE_SSL_REDIRECT = config.env_flag("TANTO_SSL_REDIRECT")
SECURE_HSTS_SECONDS = int(os.environ.get("TANTO_HSTS_SECONDS", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Where users reach the people who run this installation, shown on /support/ (Intuit requires an in-app
# support contact). Either may be empty; the deploy check warns when both are.
SUPPORT_EMAIL = os.environ.get("TANTO_SUPPORT_EMAIL", "").strip()
SUPPORT_URL = os.environ.get("TANTO_SUPPORT_URL", "").strip()

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact": {"()": "tanto.core.logging.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("TANTO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}

# QuickBooks Online (see README: Configuration). QBO_ENVIRONMENT is "sandbox", "production", or the URL of an
# OpenID discovery document (the emulator's, in the demo); the Accounting API base URL follows from it
# unless QBO_API_BASE_URL says otherwise.
QBO_ENVIRONMENT = os.environ.get("QBO_ENVIRONMENT", "sandbox")
QBO_API_BASE_URL = os.environ.get("QBO_API_BASE_URL", "")
QBO_CLIENT_ID = os.environ.get("QBO_CLIENT_ID", "")
QBO_CLIENT_SECRET = os.environ.get("QBO_CLIENT_SECRET", "")
# How long a worker's claim on an outbox record lasts before another worker may take it over, and the
# longest wait between retries of a temporary failure.
SYNC_LEASE_SECONDS = float(os.environ.get("TANTO_SYNC_LEASE_SECONDS", "120"))
SYNC_MAX_BACKOFF_SECONDS = float(os.environ.get("TANTO_SYNC_MAX_BACKOFF_SECONDS", "300"))
QBO_HTTP_TIMEOUT_SECONDS = float(os.environ.get("TANTO_QBO_TIMEOUT_SECONDS", "30"))
# The longest pause after a 429 (Intuit asks for 60 s; only time-compressed test runs lower this).
QBO_THROTTLE_PAUSE_MAX_SECONDS = float(os.environ.get("TANTO_QBO_THROTTLE_PAUSE_MAX_SECONDS", "600"))
QBO_REDIRECT_URI = os.environ.get(
    "QBO_REDIRECT_URI", "http://127.0.0.1:8000/integrations/quickbooks/callback"
)
