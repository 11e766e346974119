"""Settings for the ASEAN–Guangxi AI challenge portal.

Everything that differs between a laptop and production comes from the
environment (django-environ). With nothing set, the portal runs "embedded":
SQLite, tasks executed in-process, e-mail printed to the console.
"""

import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

DEBUG = env.bool("DEBUG", default=False)
# Django warns (security.W009) when a key with this prefix is used without DEBUG,
# so `check --deploy` catches a production start without SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="django-insecure-embedded-default-change-me-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Days after the lead decision during which a bidder that was not selected may appeal.
APPEAL_WINDOW_DAYS = env.int("APPEAL_WINDOW_DAYS", default=14)

# Demo accounts exist only in the embedded default (DEBUG on); see portal/demo/.
DEMO_ENABLED = DEBUG and env.bool("DEMO_ENABLED", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "django_countries",
    "django_filters",
    "django_htmx",
    "simple_history",
    "import_export",
    "parler",
    "core",
    "notifications",
    "entities",
    "challenges",
    "evaluation",
    "api",
    "ninja",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.throttle.ThrottleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.middleware.ActiveOrganizationMiddleware",
    "portal.mfa.SecondFactorRequiredMiddleware",
    "portal.middleware.PrivacyConsentMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "portal.middleware.FriendlyNotFoundMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

# --- Database -------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    # Take the write lock when a transaction starts: two requests that read then write
    # would otherwise deadlock on the lock upgrade ("database is locked") at once.
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in-memory for tests
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery ---------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous challenge listing and detail pages and listing counts, cached for this
# long (seconds) and invalidated when a challenge changes (challenges.publiccache);
# 0 turns it off (the test suite, except the tests of the cache itself).
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=0 if TESTING else 300)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without Redis the same tasks run in-process, right after the transaction commits.
# The test suite runs tasks eagerly too; the tests of the real worker switch it off.
CELERY_TASK_ALWAYS_EAGER = (
    not REDIS_URL or TESTING or env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Processes per worker replica; Celery's default is the host's CPU count, which in a
# container is the whole machine's, not the container's share.
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=0) or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
# A broker outage must not hang a web request: publishing fails fast, the
# outbox row stays pending and the sweeper re-queues it later.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
    "max_retries": 0,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# Personal data (README "Privacy and personal data"): retention periods in days, and
# whether accounts with no consent on record (created before the notice) are asked too.
RETENTION_DRAFT_DAYS = env.int("RETENTION_DRAFT_DAYS", default=365)
RETENTION_INVITATION_DAYS = env.int("RETENTION_INVITATION_DAYS", default=30)
RETENTION_UNVERIFIED_ACCOUNT_DAYS = env.int("RETENTION_UNVERIFIED_ACCOUNT_DAYS", default=30)
PRIVACY_ASK_WITHOUT_CONSENT = env.bool("PRIVACY_ASK_WITHOUT_CONSENT", default=False)

CELERY_BEAT_SCHEDULE = {
    "close-challenges-past-deadline": {
        "task": "challenges.tasks.close_due_challenges",
        "schedule": 60.0,
    },
    "deadline-reminders": {
        "task": "challenges.tasks.send_deadline_reminders",
        "schedule": 15 * 60.0,
    },
    "requeue-stale-deliveries": {
        "task": "notifications.tasks.requeue_stale_deliveries",
        "schedule": 60.0,
    },
    "retention-sweep": {
        "task": "challenges.tasks.purge_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    "daily-digest": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
}

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "entities.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous object permissions
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.SignupExtraForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ASEAN–Guangxi AI] "
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# allauth's defaults, stated so nobody turns them off by accident.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Failed sign-ins are counted by portal/throttle.py instead (a hard limit per
    # client address, a progressive delay per account, never a lock-out).
    "login_failed": "",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",  # nosec B105  # a rate limit, not a password
    "reset_password_from_key": "20/m/ip",  # nosec B105  # a rate limit, not a password
    "change_password": "5/m/user",  # nosec B105  # a rate limit, not a password
    "manage_email": "10/m/user",
}
# Behind the reverse proxy every request comes from the proxy's address: allauth's
# per-IP rate limits then read the client from X-Forwarded-For, trusting as many
# entries as there are proxies of our own in front (1 for docker-compose.scale.yml).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The REST API's rate limits ("<requests>/<s|min|hour|day>"), counted in the cache.
NINJA_NUM_PROXIES = ALLAUTH_TRUSTED_PROXY_COUNT
API_RATE_PER_ADDRESS = env("API_RATE_PER_ADDRESS", default="120/min")
API_RATE_PER_TOKEN = env("API_RATE_PER_TOKEN", default="600/min")
LOGIN_THROTTLE = {
    "address_failures": env.int("LOGIN_THROTTLE_ADDRESS_FAILURES", default=30),
    "address_window": env.int("LOGIN_THROTTLE_ADDRESS_WINDOW", default=15 * 60),
    "account_free_failures": env.int("LOGIN_THROTTLE_ACCOUNT_FREE_FAILURES", default=5),
    "account_max_delay": env.int("LOGIN_THROTTLE_ACCOUNT_MAX_DELAY", default=60),
    "account_window": 15 * 60,
}
# Second factor (README "Second factor"): authenticator apps (TOTP), WebAuthn
# passkeys and security keys, and recovery codes. Required for staff, superusers
# and reviewers, and for members of organizations whose owners ask for it
# (portal/mfa.py checks it on every request).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Passkey sign-in counts as both factors, so the key must check its user (PIN, biometrics).
MFA_WEBAUTHN_USER_VERIFICATION = "required"
# WebAuthn needs HTTPS, except on http://localhost in the embedded default.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "ASEAN-Guangxi AI Portal"

# --- I18N -----------------------------------------------------------------
LANGUAGE_CODE = "en"
# Each language is named in itself in the switcher (templates use LANG_INFO's name_local).
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("vi", _("Vietnamese")),
    ("th", _("Thai")),
    ("id", _("Indonesian")),
    ("ms", _("Malay")),
    ("km", _("Khmer")),
    ("lo", _("Lao")),
    ("my", _("Burmese")),
    ("fil", _("Filipino")),
    ("pt", _("Portuguese")),
]
# Django ships no Lao or Filipino: their names, direction and plural rules, and
# their date and number formats in portal/formats/<code>/formats.py.
LANG_INFO.update(
    {
        "lo": {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ພາສາລາວ"},
        "fil": {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"},
    }
)
LANG_INFO["km"] = {**LANG_INFO["km"], "name_local": "ភាសាខ្មែរ"}
# Catalogues translated for the programme but not yet reviewed by a native
# speaker: the switcher and the README say so (README "Languages").
LANGUAGES_AWAITING_REVIEW = env.list(
    "LANGUAGES_AWAITING_REVIEW",
    default=["zh-hans", "vi", "th", "id", "ms", "km", "lo", "my", "fil", "pt"],
)
FORMAT_MODULE_PATH = ["portal.formats"]
# Content in several languages (core/multilingual.py): translations are
# django-parler rows in any UI language; the original stays in the model's own
# columns, so parler's own fallback is not used. Rows are read with
# prefetch_related("translations"), not through parler's cache.
PARLER_LANGUAGES = {None: tuple({"code": code} for code, _name in LANGUAGES)}
PARLER_DEFAULT_LANGUAGE_CODE = "en"
PARLER_ENABLE_CACHING = False
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files live outside anything served statically; views check permission.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = None  # never served directly
# With a bucket configured, uploaded files go to S3-compatible object storage
# (README "Scaling out"); without one they stay under MEDIA_ROOT. Either way
# they are streamed by the views after the permission check (entities/files.py).
S3_BUCKET = env("S3_BUCKET", default="") or env("AWS_STORAGE_BUCKET_NAME", default="")
if S3_BUCKET:
    _s3_key = env("S3_ACCESS_KEY_ID", default="") or env("AWS_ACCESS_KEY_ID", default="")
    _s3_secret = env("S3_SECRET_ACCESS_KEY", default="") or env("AWS_SECRET_ACCESS_KEY", default="")
    S3_STORAGE_OPTIONS = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
        "region_name": env("S3_REGION", default="") or None,
        # Unset keys: boto3's own chain (instance role, AWS_* variables, profile).
        "access_key": _s3_key or None,
        "secret_key": _s3_secret or None,
        "location": env("S3_PREFIX", default=""),
        "addressing_style": env("S3_ADDRESSING_STYLE", default="") or None,
        "signature_version": "s3v4",
        # Private objects: no ACL grant; only signed requests reach them.
        "default_acl": None,
        "querystring_auth": True,
        # The views stream files and never hand out URLs; should any code ask for
        # one, it is signed and short-lived.
        "querystring_expire": env.int("S3_URL_EXPIRE", default=60),
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    _default_storage = {
        "BACKEND": "core.storage.PrivateS3Storage",
        "OPTIONS": S3_STORAGE_OPTIONS,
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
# Where `manage.py backup` writes (README "Backups").
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(VAR_DIR / "backups")))
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)

# --- E-mail ---------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Explicit overrides (the real-worker tests use a file-writing backend in a temp directory).
EMAIL_BACKEND = env("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
if env("EMAIL_FILE_PATH", default=""):
    EMAIL_FILE_PATH = env("EMAIL_FILE_PATH")
# A hanging SMTP server must not hold a worker past its claim on the delivery.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="ASEAN–Guangxi AI Portal <noreply@example.org>"
)
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_REPLY_TO = env.list("EMAIL_REPLY_TO", default=["programme@example.org"])
OPERATOR_EMAILS = env.list("OPERATOR_EMAILS", default=[])

# Notification delivery (notifications app)
NOTIFICATIONS_MAX_RETRIES = env.int("NOTIFICATIONS_MAX_RETRIES", default=5)
NOTIFICATIONS_RETRY_BACKOFF = env.int("NOTIFICATIONS_RETRY_BACKOFF", default=30)
NOTIFICATIONS_CLAIM_LEASE = env.int("NOTIFICATIONS_CLAIM_LEASE", default=300)
NOTIFICATIONS_STALE_AFTER = env.int("NOTIFICATIONS_STALE_AFTER", default=120)
NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE = env.int(
    "NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE", default=60 * 60 * 24 * 60
)

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# Content-Security-Policy (django-csp 4) on every response. Scripts run only from
# our own origin or with the per-request nonce (`nonce="{{ request.csp_nonce }}"`
# on every <script> tag); inline handlers and javascript: URLs are refused.
# Styles keep 'unsafe-inline': templates still carry style="" attributes, which
# no nonce can cover (README "Content-Security-Policy").
CSP_REPORT_PATH = "/csp-report/"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "frame-src": [NONE],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "report-uri": CSP_REPORT_PATH,
        "report-to": "csp",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SIMPLE_HISTORY_REVERT_DISABLED = True
IMPORT_EXPORT_USE_TRANSACTIONS = True
COUNTRIES_FIRST = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN", "CN"]
COUNTRIES_FIRST_BREAK = "──────────"
