"""Settings shared by every environment. Values come from the environment
(see config/env.py and docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path

import bootstrap_wrapper
import django_tomselect
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Which settings module is running; production.py says "production". The
# deploy check (core/checks.py) refuses anything else.
KENANGA_ENV = "development"
DEBUG = False
SECRET_KEY = env.get_str("SECRET_KEY", "dev-only-insecure-key-change-me-0123456789abcdef")
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env.get_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))
# Seconds a web process serves an anonymous transparency page from its own memory
# before asking the database whether the ledger moved (0: ask every time).
PUBLIC_PAGE_FRESH_SECONDS = env.get_int("PUBLIC_PAGE_FRESH_SECONDS", 5, minimum=0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tables2",
    "django_filters",
    "js_lib_htmx",
    "js_lib_bootstrap_icons",
    "core",
    "funds",
    "beneficiaries",
    "donors",
    "disbursements",
    "transparency",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.QueryStringGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.AuditContextMiddleware",
    "core.replica.ReplicaReadMiddleware",
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
                "core.context_processors.kenanga",
            ],
        },
    },
]

DATABASES = {"default": env.get_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a writer instead of failing at once: the embedded default serves
    # a few users at a time and background jobs run in-process.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A PostgreSQL streaming replica for the read-only public pages (core/replica.py).
if env.get_str("DATABASE_REPLICA_URL"):
    _replica = env.get_database("DATABASE_REPLICA_URL", "")
    if not all(db["ENGINE"].endswith("postgresql") for db in (DATABASES["default"], _replica)):
        raise env.EnvError(
            "Environment variable DATABASE_REPLICA_URL: a replica needs PostgreSQL "
            "for both DATABASE_URL and DATABASE_REPLICA_URL."
        )
    DATABASES["replica"] = {**_replica, "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- django-allauth: e-mail login, no open sign-up, TOTP MFA -------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "core.adapters.AccountAdapter"
MFA_ADAPTER = "core.adapters.MFAAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Five wrong passwords for one address block that address for 15 minutes.
ACCOUNT_RATE_LIMITS = {"login_failed": "5/15m/key,20/15m/ip"}
# Reverse proxies whose X-Forwarded-For is believed (core.http.client_ip): the
# client address is then used for the login limits above and the audit log.
# The documented set-up has nginx on the same machine.
KENANGA_TRUSTED_PROXIES = env.get_networks("KENANGA_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The two-step login tells a code just used from a wrong one (core/mfa_forms.py).
MFA_FORMS = {
    "authenticate": "core.mfa_forms.KenangaAuthenticateForm",
    "reauthenticate": "core.mfa_forms.KenangaReauthenticateForm",
}
MFA_TOTP_ISSUER = env.get_str("MFA_ISSUER", "Kenanga")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "core:home"

# --- Language, time, money ------------------------------------------------
LANGUAGE_CODE = "id"
# Official documents (receipts, cards, letters, statements) are written in this language
# whatever the clerk's screen shows; Indonesian unless the organisation chooses otherwise.
KENANGA_DOCUMENT_LANGUAGE = env.get_str("DOCUMENT_LANGUAGE", "id")
if KENANGA_DOCUMENT_LANGUAGE not in ("id", "en"):
    raise env.EnvError("Environment variable DOCUMENT_LANGUAGE: expected id or en.")
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.get_str("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.get_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Bootstrap comes from the bootstrap-wrapper package on PyPI: no CDN, works offline.
STATICFILES_DIRS = [
    ("bootstrap", Path(bootstrap_wrapper.__file__).parent.parent / "bootstrap"),
    # Tom Select (searchable selects) as bundled by the django-tomselect package; only its
    # static files are used, the widgets here are Kenanga's own (core/widgets.py).
    ("tomselect", Path(django_tomselect.__file__).parent / "static" / "django_tomselect"),
    BASE_DIR / "static",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.get_str("MEDIA_ROOT", str(BASE_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# A month's payroll deduction is due by this day of the following month (the OPD treasurer
# remits after the salaries are paid); arrears count only months whose due day has passed.
KENANGA_PAYROLL_DUE_DAY = min(env.get_int("PAYROLL_DUE_DAY", 10, minimum=1), 28)
KENANGA_MAX_UPLOAD_BYTES = env.get_int("MAX_UPLOAD_MB", 20, minimum=1) * 1024 * 1024
# Limits on import files (payroll, national list), checked before parsing so a
# spreadsheet bomb is refused at once. See docs/configuration.md.
KENANGA_IMPORT_MAX_ROWS = env.get_int("IMPORT_MAX_ROWS", 500_000, minimum=100)
KENANGA_IMPORT_MAX_COLUMNS = env.get_int("IMPORT_MAX_COLUMNS", 200, minimum=10)
KENANGA_IMPORT_MAX_LINE_CHARS = env.get_int("IMPORT_MAX_LINE_CHARS", 20_000, minimum=1000)
KENANGA_IMPORT_MAX_UNCOMPRESSED_BYTES = (
    env.get_int("IMPORT_MAX_UNCOMPRESSED_MB", 256, minimum=1) * 1024 * 1024
)
# Public complaint form: complaints accepted per client address per hour.
KENANGA_PUBLIC_COMPLAINTS_PER_HOUR = env.get_int("PUBLIC_COMPLAINTS_PER_HOUR", 5, minimum=1)
# Uploaded files kept encrypted at rest (core.models.StoredFile); empty means
# MEDIA_ROOT/private/files. See docs/operations.md, "Files".
KENANGA_FILE_ROOT = env.get_str("KENANGA_FILE_ROOT", None)
# Days a stored file is kept when its purpose has no end of its own (an import
# previewed but never booked). Photos and proofs stay while their record does.
KENANGA_FILE_RETENTION_DAYS = {
    "beneficiaries.import": env.get_int("IMPORT_FILE_RETENTION_DAYS", 30, minimum=1),
    "donors.payroll": env.get_int("IMPORT_FILE_RETENTION_DAYS", 30, minimum=1),
}
# Images larger than this are refused before they are decoded.
KENANGA_MAX_IMAGE_PIXELS = env.get_int("MAX_IMAGE_PIXELS", 40_000_000, minimum=1_000_000)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Redis: cache, Celery broker -----------------------------------------------
REDIS_URL = env.get_url("REDIS_URL", None, schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kenanga",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without Redis (the embedded default) background work runs in-process.
CELERY_TASK_ALWAYS_EAGER = env.get_bool("CELERY_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only when it has finished: a worker killed half-way
# (power cut, OOM, SIGKILL) leaves it in the queue, and another worker runs it
# again once the visibility timeout has passed. Every task is safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Longer than the longest job (a national-list file takes minutes, not an hour):
# a job still running when it passes is given to a second worker as well.
_visibility_timeout = env.get_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1)
# Redis gives a dead worker's job back only when a live worker sweeps the list of
# unacknowledged jobs. Kombu sweeps once at start-up, then only every 10th tick of
# 10 s (100 s) by default, so a job whose worker died shortly before a restart waited
# for the visibility timeout plus up to 100 s. Sweep on every tick, and tick often
# enough that the wait is the visibility timeout plus at most a quarter of it
# (a minute at most). The sweep lock (held for a few milliseconds per sweep) expires
# after five ticks, not kombu's five minutes, so a worker killed while holding it
# does not stop the other workers' sweeps for long; two sweeps overlapping are
# harmless (each job is moved back in its own Redis transaction).
_restore_interval = max(1, min(60, _visibility_timeout // 4))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    "unacked_restore_interval": _restore_interval,
    "unacked_restore_throttle": 1,
    "unacked_mutex_expire": 5 * _restore_interval,
}
# Several installations (or test runs) may share one Redis server: each its own
# queue, and its own Redis database (the unacknowledged jobs, heartbeat and cache
# are per database).
CELERY_TASK_DEFAULT_QUEUE = env.get_str("CELERY_QUEUE", "kenanga")
CELERY_TIMEZONE = TIME_ZONE
# Logs of the worker go through LOGGING below (JSON, personal data masked).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Mail -------------------------------------------------------------------------
EMAIL_HOST = env.get_str("EMAIL_HOST", None)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = EMAIL_HOST or "localhost"
EMAIL_PORT = env.get_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env.get_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "Kenanga <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Stripe -----------------------------------------------------------------------
STRIPE_SECRET_KEY = env.get_str("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env.get_str("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = env.get_str("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env.get_url("STRIPE_API_BASE", None, schemes=("http", "https"))
# Stripe.js must be loaded from Stripe itself (PCI DSS); tests point it at localstripe.
STRIPE_JS_URL = env.get_url("STRIPE_JS_URL", "https://js.stripe.com/v3/", schemes=("http", "https"))
# Smallest card payment taken, in whole rupiah (Stripe refuses charges worth under ~USD 0.50).
STRIPE_MINIMUM_IDR = env.get_int("STRIPE_MINIMUM_IDR", 10000, minimum=1)
# Seconds a webhook signature stays valid (replay protection).
STRIPE_WEBHOOK_TOLERANCE = env.get_int("STRIPE_WEBHOOK_TOLERANCE", 300, minimum=1)
# The money locations card gifts arrive in and payouts go to (codes).
STRIPE_GATEWAY_LOCATION = env.get_str("STRIPE_GATEWAY_LOCATION", "gateway")
STRIPE_PAYOUT_LOCATION = env.get_str("STRIPE_PAYOUT_LOCATION", "bank-jateng")
# The fund public card gifts go to (code).
PUBLIC_GIVING_FUND = env.get_str("PUBLIC_GIVING_FUND", "")
for _name, _prefix in (
    ("STRIPE_SECRET_KEY", ("sk_", "rk_")),
    ("STRIPE_PUBLISHABLE_KEY", ("pk_",)),
    ("STRIPE_WEBHOOK_SECRET", ("whsec_",)),
):
    _value = globals()[_name]
    if _value and not _value.startswith(_prefix):
        raise env.EnvError(
            f"Environment variable {_name}: expected a key starting with {' or '.join(_prefix)}."
        )

# --- Personal data ------------------------------------------------------------
# Fernet key that encrypts NIK, KK numbers, phones, addresses and health notes.
# A fixed key is used only outside production (see production.py).
DEV_DATA_KEY = "a2VuYW5nYS1kZXZlbG9wbWVudC1rZXktbm90LXNlY3I="
KENANGA_DATA_KEY = env.get_fernet_key("KENANGA_DATA_KEY", DEV_DATA_KEY, required=False)

# --- Tamper evidence -------------------------------------------------------------
# Key of the HMAC chains over ledger transactions and audit entries. It must
# never be stored in the database. After a rotation the retired keys stay
# listed in KENANGA_CHAIN_OLD_KEYS so that older records still verify.
DEV_CHAIN_KEY = "kenanga-development-chain-key-not-secret-0123456789"
KENANGA_CHAIN_KEY = env.get_chain_key("KENANGA_CHAIN_KEY", DEV_CHAIN_KEY)
KENANGA_CHAIN_OLD_KEYS = [
    env.check_chain_key("KENANGA_CHAIN_OLD_KEYS", key)
    for key in env.get_list("KENANGA_CHAIN_OLD_KEYS", [])
]
# Migrations run as the database role that owns the tables; the application
# itself connects with DATABASE_URL, a role that owns nothing (docs/operations.md).
DATABASE_MIGRATE_URL = env.get_str("DATABASE_MIGRATE_URL", "")
if DATABASE_MIGRATE_URL:
    env.get_database("DATABASE_MIGRATE_URL", "")  # validated now, used by `migrate`

# --- Logging ----------------------------------------------------------------------
# JSON lines for journald or a log collector in production, text on a laptop;
# both mask identity numbers, phones and e-mail addresses (core/logging.py).
LOG_FORMAT = env.get_choice("LOG_FORMAT", "text", ("text", "json"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
        "text": {
            "()": "core.logging.ScrubbingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.get_str("LOG_LEVEL", "INFO")},
}

# Kenanga's own table template: Indonesian paging, labelled cells for phones, empty states.
DJANGO_TABLES2_TEMPLATE = "includes/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-striped align-middle"}
