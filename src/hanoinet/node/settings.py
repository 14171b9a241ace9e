"""Settings of a hanoinet node.

Every value comes from the environment (see docs/operators.md) with a production-safe
default: DEBUG off, secure cookies, the embedded SQLite database and a local data
folder. Secrets are read from files. System checks in ``hanoinet.node.checks`` refuse
to start on unsafe combinations.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from hanoinet.node import config
from hanoinet.node.database import database_settings

PACKAGE_DIR = Path(__file__).resolve().parent

DATA_DIR = config.data_dir()
HANOINET_STATE = config.state_code()
HANOINET_MODE = config.node_mode()
HANOINET_DEMO = config.env_bool("HANOINET_DEMO", default=False)
HANOINET_KEYS_DIR = DATA_DIR / "keys"
HANOINET_BASE_URL = config.env_str("HANOINET_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
HANOINET_NODE_NAME = config.env_str("HANOINET_NODE_NAME", "")
HANOINET_TRUSTED_PROXIES = config.env_int("HANOINET_TRUSTED_PROXIES", 0)
# Where a node fetches the signed register of States Parties (the secretariat's URL).
HANOINET_REGISTER_URL = config.env_str("HANOINET_REGISTER_URL", "")

SECRET_KEY_PATH = config.env_secret_file("HANOINET_SECRET_KEY", DATA_DIR / "secret_key")
# A missing key file leaves a marker that the system check hanoinet.E001 refuses,
# so commands such as `hanoinet check` can still say what is wrong.
MISSING_SECRET_KEY = "hanoinet-missing-secret-key"  # noqa: S105  (a marker)
try:
    SECRET_KEY = SECRET_KEY_PATH.read_text(encoding="utf-8").strip() or MISSING_SECRET_KEY
except OSError:
    SECRET_KEY = MISSING_SECRET_KEY

DEBUG = config.env_bool("HANOINET_DEBUG", default=False)
HTTPS = config.env_bool("HANOINET_HTTPS", default=True)
ALLOWED_HOSTS = config.env_list("HANOINET_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = config.env_list("HANOINET_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "csp",
    "ninja",
    "hanoinet.node.accounts",
    "hanoinet.node.audit",
    "hanoinet.node.cases",
    "hanoinet.node.register",
    "hanoinet.node.oncall",
    "hanoinet.node.federation",
    "hanoinet.node.requests",
    "hanoinet.node.evidence",
    "hanoinet.node.providers",
    "hanoinet.node.victims",
    "hanoinet.node.linking",
    "hanoinet.node.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hanoinet.node.accounts.middleware.LoginRequiredMiddleware",
    "hanoinet.node.accounts.middleware.SecondFactorRequiredMiddleware",
    "hanoinet.node.accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "hanoinet.node.urls"
WSGI_APPLICATION = "hanoinet.node.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hanoinet.node.web.context.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_settings(os.environ.get("DATABASE_URL", ""), DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins per username and per client address before a cool-down.
HANOINET_LOGIN_MAX_FAILURES = config.env_int("HANOINET_LOGIN_MAX_FAILURES", 5, minimum=1)
HANOINET_LOGIN_LOCKOUT_SECONDS = config.env_int("HANOINET_LOGIN_LOCKOUT_SECONDS", 900, minimum=1)

OTP_TOTP_ISSUER = f"hanoinet {HANOINET_STATE}".strip()
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions: an officer's shift, not forever; closed with the browser.
SESSION_COOKIE_AGE = config.env_int("HANOINET_SESSION_SECONDS", 12 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "hanoinet_session"
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_SSL_REDIRECT = config.env_bool("HANOINET_SSL_REDIRECT", default=False)
if HANOINET_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
    ("ru", "Русский"),
    ("zh-hans", "中文"),
    ("ar", "العربية"),
    ("vi", "Tiếng Việt"),
    ("id", "Bahasa Indonesia"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# On-call paging: seconds a human has to acknowledge before the backup, then the
# supervisor, is called (0: no escalation), and the channels used to reach them.
HANOINET_ACK_SECONDS = {
    "emergency": config.env_int("HANOINET_ACK_SECONDS_EMERGENCY", 300),
    "urgent": config.env_int("HANOINET_ACK_SECONDS_URGENT", 900),
    "routine": config.env_int("HANOINET_ACK_SECONDS_ROUTINE", 0),
}
HANOINET_PAGING_WEBHOOK_URL = config.env_str("HANOINET_PAGING_WEBHOOK_URL", "")
_WEBHOOK_SECRET_PATH = config.env_secret_file(
    "HANOINET_PAGING_WEBHOOK_SECRET", DATA_DIR / "webhook_secret"
)
try:
    HANOINET_PAGING_WEBHOOK_SECRET = _WEBHOOK_SECRET_PATH.read_text(encoding="utf-8").strip()
except OSError:
    HANOINET_PAGING_WEBHOOK_SECRET = ""
HANOINET_PAGING_CHANNELS = config.env_list(
    "HANOINET_PAGING_CHANNELS",
    ["in_app", "email", "webhook"] if HANOINET_PAGING_WEBHOOK_URL else ["in_app", "email"],
)

HANOINET_WORKER_IDLE_SECONDS = config.env_int("HANOINET_WORKER_IDLE_SECONDS", 1, minimum=1)

EMAIL_BACKEND = config.env_str(
    "HANOINET_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = config.env_str("HANOINET_EMAIL_HOST", "localhost")
EMAIL_PORT = config.env_int("HANOINET_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = config.env_str("HANOINET_EMAIL_FROM", "hanoinet@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": config.env_str("HANOINET_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
SILENCED_SYSTEM_CHECKS: list[str] = []

# Federation (docs/protocol.md). Limits protect the inbox; the maximum age dead-letters
# a message that could not be delivered, and administrators are told.
# Art. 42: at least 60 days; a State may keep preserved data longer.
HANOINET_PRESERVATION_MIN_DAYS = config.env_int("HANOINET_PRESERVATION_MIN_DAYS", 60, minimum=60)
# Days before the end of a preservation at which both sides' units are reminded that the
# mutual legal assistance request must follow; how often the worker looks for deadlines.
HANOINET_PRESERVATION_REMINDER_DAYS = config.env_int_list(
    "HANOINET_PRESERVATION_REMINDER_DAYS", [14, 7, 2], minimum=1
)
HANOINET_DEADLINE_CHECK_SECONDS = config.env_int("HANOINET_DEADLINE_CHECK_SECONDS", 300, minimum=1)
# Art. 41: days within which the formal request must follow an emergency request that
# announced one; then the sending unit is paged.
HANOINET_EMERGENCY_FOLLOWUP_DAYS = config.env_int("HANOINET_EMERGENCY_FOLLOWUP_DAYS", 30, minimum=1)
# Art. 50: days the requesting State is given to argue for keeping a provisional measure
# before the requested State may lift it.
HANOINET_LIFTING_HEARING_DAYS = config.env_int("HANOINET_LIFTING_HEARING_DAYS", 14, minimum=1)
# Evidence: the folder of encrypted objects, the key that wraps each item's key (made by
# `hanoinet init`; back it up with the keys), and the largest file taken in.
HANOINET_EVIDENCE_DIR = Path(config.env_str("HANOINET_EVIDENCE_DIR", str(DATA_DIR / "evidence")))
HANOINET_EVIDENCE_KEY_FILE = HANOINET_KEYS_DIR / "evidence.key"
HANOINET_EVIDENCE_MAX_BYTES = config.env_int(
    "HANOINET_EVIDENCE_MAX_BYTES", 50 * 1024**3, minimum=1024
)
# Where the sealed evidence objects live: "local" (HANOINET_EVIDENCE_DIR) or "s3", any
# S3-compatible object storage (checked by hanoinet.E007, E008 and W002).
HANOINET_EVIDENCE_BACKEND = config.env_choice("HANOINET_EVIDENCE_BACKEND", "local", ("local", "s3"))
HANOINET_EVIDENCE_S3_ENDPOINT = config.env_str("HANOINET_EVIDENCE_S3_ENDPOINT", "").strip()
HANOINET_EVIDENCE_S3_BUCKET = config.env_str("HANOINET_EVIDENCE_S3_BUCKET", "").strip()
HANOINET_EVIDENCE_S3_REGION = config.env_str("HANOINET_EVIDENCE_S3_REGION", "").strip()
HANOINET_EVIDENCE_S3_PREFIX = config.env_str("HANOINET_EVIDENCE_S3_PREFIX", "").strip()
# Multipart upload parts: each ingest holds about one part in memory.
HANOINET_EVIDENCE_S3_PART_MIB = config.env_int("HANOINET_EVIDENCE_S3_PART_MIB", 16, minimum=5)
# Keys from files; without them boto3 looks as usual (AWS_* variables, profile, instance role).
HANOINET_EVIDENCE_S3_ACCESS_KEY_FILE = config.env_optional_secret_file(
    "HANOINET_EVIDENCE_S3_ACCESS_KEY"
)
HANOINET_EVIDENCE_S3_SECRET_KEY_FILE = config.env_optional_secret_file(
    "HANOINET_EVIDENCE_S3_SECRET_KEY"
)
# How often the worker fetches evidence bundles other States offered.
HANOINET_TRANSFER_POLL_SECONDS = config.env_int("HANOINET_TRANSFER_POLL_SECONDS", 5, minimum=1)
# How often the custody ledger's checkpoint is announced to peers, who witness it.
HANOINET_LEDGER_ANNOUNCE_SECONDS = config.env_int(
    "HANOINET_LEDGER_ANNOUNCE_SECONDS", 600, minimum=1
)
# The public victim portal: reports accepted per address and hour, and upload limits.
HANOINET_PORTAL_REPORTS_PER_HOUR = config.env_int("HANOINET_PORTAL_REPORTS_PER_HOUR", 5, minimum=1)
HANOINET_PORTAL_MAX_FILE_BYTES = config.env_int(
    "HANOINET_PORTAL_MAX_FILE_BYTES", 10 * 1024 * 1024, minimum=1024
)
# The provider portal: the largest file a service provider uploads in a response.
HANOINET_PROVIDER_MAX_FILE_BYTES = config.env_int(
    "HANOINET_PROVIDER_MAX_FILE_BYTES", 2 * 1024**3, minimum=1024
)
# Linking of reports: an identifier in more reports than this is flagged for review
# instead of linking them all (one shared bank hotline would merge every case).
HANOINET_LINK_FAN_OUT_CAP = config.env_int("HANOINET_LINK_FAN_OUT_CAP", 50, minimum=2)
# Cross-border hit/no-hit: identifiers per run (a run travels in one federation message of
# at most HANOINET_FEDERATION_MAX_BYTES: 20,000 points are about 0.9 MB), how often the
# worker looks for runs to answer or finish, and the period of scheduled bulk runs.
HANOINET_MATCH_MAX_ITEMS = config.env_int("HANOINET_MATCH_MAX_ITEMS", 20000, minimum=1)
HANOINET_MATCH_POLL_SECONDS = config.env_int("HANOINET_MATCH_POLL_SECONDS", 5, minimum=1)
HANOINET_MATCH_BULK_SECONDS = config.env_int("HANOINET_MATCH_BULK_SECONDS", 86400, minimum=60)
# Request kinds that a second officer must approve before they leave (four eyes).
HANOINET_FOUR_EYES_KINDS = config.env_list("HANOINET_FOUR_EYES_KINDS", [])
HANOINET_FEDERATION_MAX_BYTES = config.env_int(
    "HANOINET_FEDERATION_MAX_BYTES", 2 * 1024 * 1024, minimum=4096
)
HANOINET_FEDERATION_MAX_BATCH = config.env_int("HANOINET_FEDERATION_MAX_BATCH", 200, minimum=1)
HANOINET_FEDERATION_MAX_SKEW = timedelta(
    seconds=config.env_int("HANOINET_FEDERATION_MAX_SKEW_SECONDS", 300, minimum=1)
)
HANOINET_FEDERATION_MAX_AGE = timedelta(
    hours=config.env_int("HANOINET_FEDERATION_MAX_AGE_HOURS", 72, minimum=1)
)
# Messages per delivery request: as many as a receiver takes (HANOINET_FEDERATION_MAX_BATCH
# by default): each request, its transactions and queries cost the same whatever its size.
HANOINET_FEDERATION_BATCH = config.env_int("HANOINET_FEDERATION_BATCH", 200, minimum=1)
# Batches in flight at once per worker (threads: the wait for a peer overlaps the sealing
# and recording of another batch).
HANOINET_FEDERATION_DELIVERY_THREADS = config.env_int(
    "HANOINET_FEDERATION_DELIVERY_THREADS", 2, minimum=1
)
HANOINET_FEDERATION_TIMEOUT_SECONDS = config.env_int(
    "HANOINET_FEDERATION_TIMEOUT_SECONDS", 10, minimum=1
)
HANOINET_FEDERATION_LEASE_SECONDS = config.env_int(
    "HANOINET_FEDERATION_LEASE_SECONDS", 3 * HANOINET_FEDERATION_TIMEOUT_SECONDS, minimum=5
)
HANOINET_FEDERATION_PING_SECONDS = config.env_int("HANOINET_FEDERATION_PING_SECONDS", 60, minimum=5)
