"""Settings for nongzhuancheng.

Every setting comes from the environment. With nothing set, the site runs on SQLite with
Celery tasks executed eagerly, so one command gives a working site with demo data.
See ``.env.example`` for every variable.
"""

import datetime
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envlist(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-set-SECRET_KEY-in-production"
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# Behind an HTTPS reverse proxy in production (see .env.example).
if envbool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Behind the proxy that redirects plain HTTP, the deploy check's advice to redirect here is moot.
SILENCED_SYSTEM_CHECKS = ["security.W008"] if envbool("SECURE_PROXY_SSL_HEADER", False) and not SECURE_SSL_REDIRECT else []
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sign-in (issue 11): a session ends after this many idle seconds (every request renews it).
SESSION_COOKIE_AGE = envint("NZC_SESSION_IDLE_SECONDS", 30 * 60)
# (nongzhuancheng.signin.SessionRenewalMiddleware renews a session in use, at most once a minute)
# Repeated wrong passwords (django-axes): this many failures for one user name from one address lock it for
# NZC_LOCKOUT_MINUTES; a successful sign-in clears the count.
AXES_FAILURE_LIMIT = envint("NZC_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("NZC_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # one user name from one address
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures only: who signed in is the access log's business
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "nongzhuancheng.security.client_address"
# Second factor (django-otp, TOTP): the issuer name shown in authenticator apps.
OTP_TOTP_ISSUER = os.environ.get("NZC_OTP_ISSUER") or "昭通农转城"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "django_prometheus",
    "nongzhuancheng",
    "households",
    "quotas",
    "entitlements",
    "quality",
    "reports",
    "demo",
    "oversight",
    "insights",
    "public",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # requests and latencies (/metrics)
    "nongzhuancheng.request_id.RequestIdMiddleware",
    "nongzhuancheng.faults.DatabaseUnavailableMiddleware",  # a dropped database connection: 503, not 500
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "nongzhuancheng.signin.SecondFactorMiddleware",
    "nongzhuancheng.signin.SessionRenewalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "nongzhuancheng.params.BadParametersMiddleware",
    "csp.middleware.CSPMiddleware",
    "nongzhuancheng.security.PermissionsPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nongzhuancheng.urls"
WSGI_APPLICATION = "nongzhuancheng.wsgi.application"

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
                "nongzhuancheng.context_processors.assignment",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", 60),
        conn_health_checks=True,  # a connection the database dropped is replaced, not reused
    )
}
# django-prometheus's twin of the engine counts queries and errors for /metrics (same behaviour otherwise)
_PROMETHEUS_ENGINES = {"django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
                       "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3"}
if envbool("NZC_DB_METRICS", True):
    DATABASES["default"]["ENGINE"] = _PROMETHEUS_ENGINES.get(DATABASES["default"]["ENGINE"],
                                                             DATABASES["default"]["ENGINE"])
if DATABASES["default"]["ENGINE"].endswith("postgresql") and envbool("DB_PREPARED_STATEMENTS", True):
    # only the statements nongzhuancheng.prepared asks for are prepared (Django's default: none)
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 2**31 - 1
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "nongzhuancheng.auth.AssignmentModelBackend",  # ModelBackend, the user read with its assignment
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
FORMAT_MODULE_PATH = ["nongzhuancheng.formats"]  # thousands separators in Chinese as in English
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Scans of applicants' documents: outside MEDIA_ROOT, served only by a scoped view; the largest scan.
NZC_PRIVATE_ROOT = Path(os.environ.get("NZC_PRIVATE_ROOT") or BASE_DIR / "private")
NZC_ATTACHMENT_MAX_BYTES = envint("NZC_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

WHITENOISE_AUTOREFRESH = DEBUG  # development and tests: no collected static directory needed

# Celery: Redis when REDIS_URL is set, otherwise tasks run eagerly in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# One queue per kind of job, each with its own worker (docker-compose.yml), so that an upload never
# waits behind entitlement opening or a bulletin; anything unrouted goes to Celery's "celery" queue.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "households.tasks.import_job_*": {"queue": "imports"},
    "households.tasks.export_*": {"queue": "exports"},
    "entitlements.tasks.*": {"queue": "entitlements"},
    "reports.tasks.*": {"queue": "bulletins"},
}

# Lists count exactly up to this many rows and show the planner's estimate beyond (pagination.py).
LIST_EXACT_COUNT_UP_TO = 10_000
# Seconds an estimated total (a list longer than that) is kept in the cache for the next pages.
LIST_COUNT_CACHE_SECONDS = envint("LIST_COUNT_CACHE_SECONDS", 60)
# Sending gives up quickly when the broker is unreachable: the outbox (nongzhuancheng/outbox.py)
# keeps the task and beat sends it again, so a request never waits for Redis.
CELERY_BROKER_CONNECTION_TIMEOUT = envint("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT}
# Seconds without a heartbeat after which a worker counts as absent, and a running job as dead
# (its worker was killed): the job is then failed with a message the user sees.
NZC_WORKER_STALE_SECONDS = envint("NZC_WORKER_STALE_SECONDS", 60)
NZC_JOB_STALE_SECONDS = envint("NZC_JOB_STALE_SECONDS", 60)
# Readiness (/health/, nongzhuancheng/health.py): a job waiting longer for a worker, or a task unsent
# in the outbox for longer, fails the report.
NZC_QUEUE_MAX_WAIT_SECONDS = envint("NZC_QUEUE_MAX_WAIT_SECONDS", 900)
NZC_OUTBOX_MAX_AGE_SECONDS = envint("NZC_OUTBOX_MAX_AGE_SECONDS", 300)
# The operator's token (Authorization: Bearer ...): the health report's details and the metrics.
# Empty: only signed-in administrators (and the city office's staff users) see them.
NZC_OPS_TOKEN = os.environ.get("NZC_OPS_TOKEN", "")
# Addresses or networks that may read /metrics without a token (the Prometheus server), comma-separated.
NZC_METRICS_ALLOW = envlist("NZC_METRICS_ALLOW")

REST_FRAMEWORK = {
    # Token first: a request without credentials answers 401 with ``WWW-Authenticate: Token``.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON only: no browsable API (an HTML page of the API's data for a browser's Accept header); the
    # API is read in a browser through /api/docs/ (tests/core/test_xss_everywhere.py)
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("NZC_API_RATE_ANON", "60/min"),
        "user": os.environ.get("NZC_API_RATE_USER", "600/min"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["nongzhuancheng.params.ApiFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "nongzhuancheng.apischema.PlainAutoSchema",
    "EXCEPTION_HANDLER": "nongzhuancheng.params.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "nongzhuancheng API",
    "DESCRIPTION": "农转城 case management: households, transfer applications, targets, entitlements, bulletins.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # every operation documents its error answers (400, 401, 403, 404, 429): nongzhuancheng/apischema.py
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "nongzhuancheng.apischema.add_error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "HouseholdKindEnum": "households.reference.HouseholdKind",
        "ApplicationStatusEnum": "households.models.TransferApplication.Status",
        "RetentionKindEnum": "entitlements.models.RetentionKind",
        "GuaranteeKindEnum": "entitlements.models.GuaranteeKind",
        "RetentionStateEnum": "entitlements.models.Retention.State",
        "GuaranteeStateEnum": "entitlements.models.GuaranteeCase.State",
        "BulletinStateEnum": "reports.models.Bulletin.State",
        "TargetLevelEnum": "quotas.models.Level",
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "nongzhuancheng@localhost")

# Domain settings
# The years the product covers: a date parameter outside them answers 400 (nongzhuancheng/params.py).
NZC_FIRST_YEAR = envint("NZC_FIRST_YEAR", 2010)
NZC_LAST_YEAR = envint("NZC_LAST_YEAR", datetime.date.today().year + 5)
# The site's address as readers reach it, for links in e-mail notices (no trailing slash).
NZC_SITE_URL = os.environ.get("NZC_SITE_URL", "http://127.0.0.1:8000")
# Working days allowed to complete an application after it is received (受理 → 办结).
NZC_TIME_LIMIT_WORKING_DAYS = envint("NZC_TIME_LIMIT_WORKING_DAYS", 5)
# Document number pattern of the ten-day bulletin (文号); {year} and {issue} are filled in.
NZC_BULLETIN_DOC_NUMBER = os.environ.get("NZC_BULLETIN_DOC_NUMBER", "昭城统办〔{year}〕{issue}号")
NZC_BULLETIN_ISSUER = os.environ.get("NZC_BULLETIN_ISSUER", "昭通市城乡统筹协调领导组办公室")

# Spreadsheet imports: limits with clear errors, and when a file goes to the Celery worker.
NZC_IMPORT_MAX_BYTES = envint("NZC_IMPORT_MAX_BYTES", 30 * 1024 * 1024)
NZC_IMPORT_MAX_ROWS = envint("NZC_IMPORT_MAX_ROWS", 200_000)
NZC_IMPORT_MAX_UNCOMPRESSED_BYTES = envint("NZC_IMPORT_MAX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024)
NZC_IMPORT_MAX_ZIP_RATIO = envint("NZC_IMPORT_MAX_ZIP_RATIO", 100)
NZC_IMPORT_INLINE_BYTES = envint("NZC_IMPORT_INLINE_BYTES", 200 * 1024)
NZC_EXPORT_INLINE_ROWS = envint("NZC_EXPORT_INLINE_ROWS", 5000)
NZC_EXPORT_KEEP_HOURS = envint("NZC_EXPORT_KEEP_HOURS", 24)
# Write simple-history rows for imported households and people (the job and events are kept regardless).
NZC_IMPORT_HISTORY = envbool("NZC_IMPORT_HISTORY", True)

# Caches: Redis when CACHE_URL is set (shared by every web process: the public pages and the
# lookup's rate limits), otherwise one in-process memory cache.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "nongzhuancheng"}
}

# The public pages (public/): what applicants see without signing in.
# Seconds browsers and Django's cache keep a public guide page (policy, categories, stations).
NZC_PUBLIC_CACHE_SECONDS = envint("NZC_PUBLIC_CACHE_SECONDS", 300)
# Progress lookups allowed per client address and per application number (django-ratelimit rates).
NZC_LOOKUP_RATE_PER_ADDRESS = os.environ.get("NZC_LOOKUP_RATE_PER_ADDRESS", "20/h")
NZC_LOOKUP_RATE_PER_NUMBER = os.environ.get("NZC_LOOKUP_RATE_PER_NUMBER", "5/h")
# Questions and complaints (咨询投诉) a client address may send.
NZC_GRIEVANCE_RATE_PER_ADDRESS = os.environ.get("NZC_GRIEVANCE_RATE_PER_ADDRESS", "5/h")
# The request header holding the client's address behind a reverse proxy (empty: REMOTE_ADDR).
NZC_CLIENT_ADDRESS_HEADER = os.environ.get("NZC_CLIENT_ADDRESS_HEADER", "")
# Working days the county office has to answer a question or complaint.
NZC_GRIEVANCE_WORKING_DAYS = envint("NZC_GRIEVANCE_WORKING_DAYS", 5)
# Online pre-filling (网上预填): days a pre-filled application waits for the visit, submissions per address.
NZC_PREFILL_DAYS = envint("NZC_PREFILL_DAYS", 30)
NZC_PREFILL_RATE_PER_ADDRESS = os.environ.get("NZC_PREFILL_RATE_PER_ADDRESS", "5/h")
# Notices to applicants: the backend class (console, file, or an SMS gateway adapter), where the
# file backend writes, how often a failed notice is tried, and the gateway adapter's address and key.
NZC_NOTICE_BACKEND = os.environ.get("NZC_NOTICE_BACKEND", "public.notices.ConsoleBackend")
NZC_NOTICE_FILE_DIR = Path(os.environ.get("NZC_NOTICE_FILE_DIR", MEDIA_ROOT / "notices"))
NZC_NOTICE_MAX_ATTEMPTS = envint("NZC_NOTICE_MAX_ATTEMPTS", 5)
NZC_SMS_GATEWAY_URL = os.environ.get("NZC_SMS_GATEWAY_URL", "")
NZC_SMS_GATEWAY_KEY = os.environ.get("NZC_SMS_GATEWAY_KEY", "")
NZC_SMS_SIGNATURE = os.environ.get("NZC_SMS_SIGNATURE", "【昭通农转城】")

# Content-Security-Policy (django-csp): scripts only from our static files, nothing inline.
from csp.constants import NONCE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", NONCE],  # a <style> block only with the page's nonce
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page uses (nongzhuancheng.security.PermissionsPolicyMiddleware).
NZC_PERMISSIONS_POLICY = os.environ.get("NZC_PERMISSIONS_POLICY") or (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
)

# Logs (nongzhuancheng/logs.py): structlog renders every logger's lines through the root's one
# handler, JSON in production and a readable line in development, each with the request id and user id.
NZC_LOG_FORMAT = os.environ.get("NZC_LOG_FORMAT") or ("console" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # every line carries the request id that the 500 page shows (nongzhuancheng/request_id.py)
    "filters": {
        "request_id": {"()": "nongzhuancheng.request_id.RequestIdFilter"},
        "client_errors": {"()": "nongzhuancheng.logs.ClientErrorsAtInfo"},
    },
    "formatters": {"structured": {"()": "nongzhuancheng.logs.formatter", "style": NZC_LOG_FORMAT}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's defaults give these handlers of their own besides propagating to the root: each
        # line then printed twice. None of their own here; the root's handler writes them once.
        "django": {"handlers": [], "propagate": True, "level": os.environ.get("LOG_LEVEL", "INFO")},
        "django.server": {"handlers": [], "propagate": True},
        "django.request": {"handlers": [], "propagate": True, "filters": ["client_errors"]},
        "axes": {"level": "WARNING"},  # a line per sign-in: the access log keeps those
        "weasyprint": {"level": "WARNING"},  # a line per rendering step of every PDF
        "fontTools": {"level": "WARNING"},
    },
}
# Workers log through the same handler and format (Celery would otherwise replace the root's handler).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Trust: the access log (nongzhuancheng.audit), the ID check's rate, API tokens that expire.
MIDDLEWARE += ["nongzhuancheng.middleware.AccessRefusalMiddleware",
               "django_prometheus.middleware.PrometheusAfterMiddleware"]  # last: responses by view and status
NZC_ACCESS_LOG_RETENTION_DAYS = envint("NZC_ACCESS_LOG_RETENTION_DAYS", 3 * 365)
NZC_ID_CHECK_RATE = os.environ.get("NZC_ID_CHECK_RATE", "120/h")  # per user (django-ratelimit rate)
NZC_API_TOKEN_DAYS = envint("NZC_API_TOKEN_DAYS", 30)
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "nongzhuancheng.api_auth.ExpiringTokenAuthentication" if c.endswith(".TokenAuthentication") else c
    for c in REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]
]
