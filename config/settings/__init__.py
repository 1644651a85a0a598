"""Settings read from the environment, with safe defaults for development on one machine.

`config.settings.production` tightens them for a deployment; `config.settings.test` for the suite.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets a page in the reader's language that says what to do (core/errors.py).
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "core",
    "blocs",
    "scoring",
    "awards",
    "reports",
    "conference",
    "dashboards",
    "tools",
]

MIDDLEWARE = [
    # First: a read whose database connection was lost is run once more through every other middleware.
    "core.middleware.DatabaseRetryMiddleware",
    # Before anything reads the body: a request longer than REQUEST_MAX_BYTES gets the 413 page unread.
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # What a signed-in user sees is never kept by a proxy or the browser's disk (Cache-Control: private, no-store).
    "core.middleware.PrivateNoStoreMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a clear page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "blocs.context_processors.roles",
                "core.context_processors.notifications",
            ],
        },
    },
]

# --- Database: an embedded SQLite file unless DATABASE_URL says otherwise ----------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process, the worker and beat share one file: WAL lets readers run beside a writer, and
    # IMMEDIATE transactions plus a busy timeout make writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when configured (shared by all processes), else local memory -----------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # core.cache: Redis unreachable is a miss, not an error (sessions then come from the database, pages are
    # rendered anew); the readiness check says "degraded".
    CACHES = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Seconds a cache call waits for Redis, and seconds the cache is not tried again after a failure.
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.5)
CACHE_RETRY_SECONDS = env.float("CACHE_RETRY_SECONDS", default=5.0)
# The per-user page cache (core/pagecache.py) needs a cache every process shares, web and Celery workers alike:
# on by default with Redis, off in the embedded run mode (each process has its own memory cache there).
PAGE_CACHE = env.bool("PAGE_CACHE", default=bool(REDIS_URL))
if REDIS_URL:
    # Sessions read from Redis, written through to the database: one query less on every page.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- People and sign-in ------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One-time links to choose a password: an invitation (and a link the board hands over) is valid this many days,
# a reset its owner asked for this many hours; a self-service request waits this long after the last link.
ACCOUNT_INVITATION_DAYS = env.int("ACCOUNT_INVITATION_DAYS", default=7)
ACCOUNT_RESET_LINK_HOURS = env.int("ACCOUNT_RESET_LINK_HOURS", default=24)
ACCOUNT_LINK_RESEND_SECONDS = env.int("ACCOUNT_LINK_RESEND_SECONDS", default=60)
# The client's address, for every throttle (core.net.client_ip): REMOTE_ADDR, or the X-Forwarded-For header when
# the connection comes from one of these reverse proxies (addresses or CIDR networks; empty: no proxy is trusted).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Failed sign-ins (django-axes, blocs/accounts/throttles.py), counted within AXES_COOLOFF_HOURS: an account is locked
# after AXES_FAILURE_LIMIT failures from any address, an address after LOGIN_FAILURES_PER_ADDRESS failures against
# any accounts. The board unlocks an account from its page; a password link used also unlocks it.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=30)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)  # hours
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_HANDLER = "blocs.accounts.throttles.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_LOCKOUT_CALLABLE = "blocs.accounts.throttles.lockout_response"
AXES_VERBOSE = False
# "Forgot my password": at most this many links mailed to one account, and requests from one address, per hour.
PASSWORD_RESETS_PER_ACCOUNT = env.int("PASSWORD_RESETS_PER_ACCOUNT", default=3)
PASSWORD_RESETS_PER_ADDRESS = env.int("PASSWORD_RESETS_PER_ADDRESS", default=10)

# --- Language and time -------------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "ktd_language"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files (front-end packages from npm, collected; never a CDN) -----------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "core.storage.PrivateStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files live outside any web root and are served only through views that check rights.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_MB", default=20) * 1024 * 1024
# Free text (core.forms.TextLimits): a box of several lines, an explanation or reason beside one criterion of a
# sheet, a one-line field without its own limit. What a form may send at once besides its files (Django's own
# setting; a form over it gets the "too much sent at once" page, and the browser says so before sending).
TEXT_MAX_CHARS = env.int("TEXT_MAX_CHARS", default=20000)
# A DOCX whose main part (word/document.xml) is larger once unpacked is refused before it is parsed.
DOCX_MAIN_PART_MAX_BYTES = env.int("DOCX_MAIN_PART_MAX_MB", default=50) * 1024 * 1024
CRITERION_TEXT_MAX_CHARS = env.int("CRITERION_TEXT_MAX_CHARS", default=3000)
LINE_MAX_CHARS = env.int("LINE_MAX_CHARS", default=500)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("FORM_MAX_BYTES", default=5 * 1024 * 1024)
# Files one request may carry (Django refuses more before reading them), and the whole body: a request whose
# Content-Length is over REQUEST_MAX_BYTES gets the 413 page before its body is read
# (core.middleware.RequestSizeLimitMiddleware). The reverse proxy's client_max_body_size should match.
DATA_UPLOAD_MAX_NUMBER_FILES = env.int("UPLOAD_MAX_FILES", default=20)
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_MB", default=65) * 1024 * 1024
# Opening an uploaded file (core/inspect.py) runs in a child process with these limits: memory, seconds (CPU and
# wall clock), pages of a PDF, and bytes a file may unpack to (a PDF's content streams, a DOCX's or XLSX's parts).
INSPECT_MEMORY_MB = env.int("INSPECT_MEMORY_MB", default=512)
INSPECT_SECONDS = env.int("INSPECT_SECONDS", default=10)
INSPECT_INFLATED_MB = env.int("INSPECT_INFLATED_MB", default=200)
PDF_MAX_PAGES = env.int("PDF_MAX_PAGES", default=500)
# The font of the official documents: empty for the bundled serif (Liberation Serif, the metrics of Times New Roman:
# the same output on every machine); a deployment may name an installed font, e.g. "Times New Roman", which the PDF
# then embeds (the bundled serif stays the fallback for any glyph it lacks).
DOCUMENT_FONT = env.str("DOCUMENT_FONT", default="")
# The summary written in the browser: its "measure" renders a PDF synchronously, so a user may ask for it at most
# this many times a minute, one at a time, and a body longer than this many characters is not rendered.
SUMMARY_MEASURE_PER_MINUTE = env.int("SUMMARY_MEASURE_PER_MINUTE", default=6)
SUMMARY_MEASURE_MAX_CHARS = env.int("SUMMARY_MEASURE_MAX_CHARS", default=30000)
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail --------------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Khối thi đua <no-reply@localhost>")
# An SMTP call gives up after this many seconds (well below OUTBOX_STUCK_MINUTES, so a slow worker is
# never taken for a dead one). It also sizes the mail tasks' time limits (OUTBOX_MESSAGES_PER_TASK, below).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The address of the site as users reach it: links in e-mails point there.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Security headers --------------------------------------------------------------------------------
# A strict policy: every script and style comes from our own static files; no inline code at all.
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

# --- Celery ------------------------------------------------------------------------------------------
# With no broker URL (the embedded run mode), kombu's filesystem transport carries the messages
# through folders under var/: no Redis server is needed, and the worker and beat still really run.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_FOLDER = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "control_folder": str(CELERY_BROKER_FOLDER / "control"),
        "store_processed": False,
    }
# A broker that is down, or a host or a half-open connection that does not answer, fails a publish within seconds
# instead of holding the web request: connecting gives up after CELERY_BROKER_CONNECTION_TIMEOUT, a command after
# CELERY_BROKER_SOCKET_TIMEOUT (above kombu's 1 s BRPOP, which a worker waits on), a publish retries once, then the
# caller handles the error (a rendering is marked failed and the sweep hands it over again, see RENDER_*).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_SOCKET_TIMEOUT = env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=3.0)
if not CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": CELERY_BROKER_SOCKET_TIMEOUT,
    }
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2, "interval_max": 0.5}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
# Three queues, each served by its own worker (Procfile.dev, docker-compose.yml), so that no kind of work waits
# behind another: `documents` (PDF and DOCX renderings), `mail` (the outbox: an SMTP server that hangs holds up
# only mail) and `tick` (beat's periodic work, and any task not routed here).
CELERY_TASK_DEFAULT_QUEUE = "tick"
CELERY_TASK_ROUTES = {
    "core.render_document": {"queue": "documents"},
    "conference.summary_send": {"queue": "documents"},
    "core.send_outbox": {"queue": "mail"},
    "core.flush_outbox": {"queue": "mail"},
    "core.heartbeat": {"queue": "tick"},
    "core.sweep_renderings": {"queue": "tick"},
    "core.sweep_pending_uploads": {"queue": "tick"},
    "reports.remind": {"queue": "tick"},
    "blocs.password_reset": {"queue": "tick"},
}
# Renderings (seconds): past the soft limit the rendering is marked failed ("took too long"), past the hard one its
# process is killed (prefork pools enforce both; the solo pool neither).
RENDER_SOFT_TIME_LIMIT = env.int("RENDER_SOFT_TIME_LIMIT", default=120)
RENDER_TIME_LIMIT = env.int("RENDER_TIME_LIMIT", default=150)
# The beat's sweep (core.sweep_renderings) ends every rendering: one claimed by a worker longer ago than
# RENDER_STUCK_SECONDS lost its worker (longer than the hard limit, so a live worker is never taken for a dead one),
# one waiting longer than RENDER_PENDING_SECONDS lost its message; each is handed over again, and marked failed
# after RENDER_MAX_ATTEMPTS hand-overs. A rendering whose hand-over failed (broker down) is handed over again too.
RENDER_STUCK_SECONDS = env.int("RENDER_STUCK_SECONDS", default=RENDER_TIME_LIMIT + 30)
RENDER_PENDING_SECONDS = env.int("RENDER_PENDING_SECONDS", default=120)
RENDER_MAX_ATTEMPTS = env.int("RENDER_MAX_ATTEMPTS", default=3)
RENDER_SWEEP_SECONDS = env.float("RENDER_SWEEP_SECONDS", default=60.0)
# A mail task sends at most this many messages (a longer list is split; the flush takes as many): with
# EMAIL_TIMEOUT per message, an SMTP server that never answers ends the task within its soft limit.
OUTBOX_MESSAGES_PER_TASK = env.int("OUTBOX_MESSAGES_PER_TASK", default=100)
MAIL_SOFT_TIME_LIMIT = env.int("MAIL_SOFT_TIME_LIMIT", default=EMAIL_TIMEOUT * OUTBOX_MESSAGES_PER_TASK + 60)
MAIL_TIME_LIMIT = env.int("MAIL_TIME_LIMIT", default=MAIL_SOFT_TIME_LIMIT + 30)
# The reminders' tick runs every REMINDER_TICK_SECONDS (a national tick takes seconds): it must end before the next.
REMINDER_TICK_SECONDS = env.float("REMINDER_TICK_SECONDS", default=300.0)
REMIND_SOFT_TIME_LIMIT = env.int("REMIND_SOFT_TIME_LIMIT", default=int(REMINDER_TICK_SECONDS * 0.8))
REMIND_TIME_LIMIT = env.int("REMIND_TIME_LIMIT", default=int(REMINDER_TICK_SECONDS * 0.9))
CELERY_TASK_ANNOTATIONS = {
    "core.render_document": {"soft_time_limit": RENDER_SOFT_TIME_LIMIT, "time_limit": RENDER_TIME_LIMIT},
    "conference.summary_send": {"soft_time_limit": RENDER_SOFT_TIME_LIMIT, "time_limit": RENDER_TIME_LIMIT},
    "core.send_outbox": {"soft_time_limit": MAIL_SOFT_TIME_LIMIT, "time_limit": MAIL_TIME_LIMIT},
    "core.flush_outbox": {"soft_time_limit": MAIL_SOFT_TIME_LIMIT, "time_limit": MAIL_TIME_LIMIT},
    "reports.remind": {"soft_time_limit": REMIND_SOFT_TIME_LIMIT, "time_limit": REMIND_TIME_LIMIT},
    "core.heartbeat": {"soft_time_limit": 20, "time_limit": 30},
    "core.sweep_renderings": {"soft_time_limit": 45, "time_limit": 55},
    "core.sweep_pending_uploads": {"soft_time_limit": 270, "time_limit": 300},
    "blocs.password_reset": {"soft_time_limit": 20, "time_limit": 30},
}
HEARTBEAT_SECONDS = env.float("HEARTBEAT_SECONDS", default=60.0)
OUTBOX_FLUSH_SECONDS = env.float("OUTBOX_FLUSH_SECONDS", default=60.0)


def _every(seconds: float, task: str, **entry) -> dict:
    """A beat entry whose message expires when its next one is due: periodic work never piles up behind a busy or
    stopped worker (the next run does the same work)."""
    options = {"expires": seconds, **entry.pop("options", {})}
    return {"task": task, "schedule": seconds, "options": options, **entry}


CELERY_BEAT_SCHEDULE = {
    # Proof that beat and each queue's worker run: "worker" (tick), "worker:documents", "worker:mail".
    "heartbeat": _every(HEARTBEAT_SECONDS, "core.heartbeat"),
    "heartbeat-documents": _every(
        HEARTBEAT_SECONDS, "core.heartbeat", args=["documents"], options={"queue": "documents"}
    ),
    "heartbeat-mail": _every(HEARTBEAT_SECONDS, "core.heartbeat", args=["mail"], options={"queue": "mail"}),
    "flush-outbox": _every(OUTBOX_FLUSH_SECONDS, "core.flush_outbox"),
    # Deadline reminders: each tick sends what is due today and not yet sent (reports/services/reminders.py).
    "remind": {"task": "reports.remind", "schedule": REMINDER_TICK_SECONDS},
    # Renderings whose worker was lost or whose message never arrived (core/documents/services.py).
    "sweep-renderings": _every(RENDER_SWEEP_SECONDS, "core.sweep_renderings"),
    # Files kept from refused forms that nobody saved within a day (core/pending.py).
    "sweep-pending-uploads": {"task": "core.sweep_pending_uploads", "schedule": 3600.0},
}
# Readiness (/readyz/, core/health.py): how long a check may wait, when the worker's heartbeat is stale (three
# missed beats) and when mail waiting in the outbox makes the service degraded.
READINESS_TIMEOUT_SECONDS = env.float("READINESS_TIMEOUT_SECONDS", default=2.0)
READINESS_HEARTBEAT_STALE_SECONDS = env.int(
    "READINESS_HEARTBEAT_STALE_SECONDS", default=int(3 * env.float("HEARTBEAT_SECONDS", default=60.0))
)
READINESS_OUTBOX_MAX_AGE_SECONDS = env.int("READINESS_OUTBOX_MAX_AGE_SECONDS", default=3600)
# The mail outbox retries a failed message after 1, 2, 4 … minutes, at most this many minutes apart, for this
# many hours after it was queued (or resent); then it gives up, and the message is shown as undelivered to those
# it concerns (core/notifications.py).
OUTBOX_BACKOFF_CAP_MINUTES = env.int("OUTBOX_BACKOFF_CAP_MINUTES", default=60)
OUTBOX_RETRY_HOURS = env.float("OUTBOX_RETRY_HOURS", default=72.0)
# A message still "sending" after this long lost its worker: the flush puts it back to be retried.
OUTBOX_STUCK_MINUTES = env.int("OUTBOX_STUCK_MINUTES", default=10)

# --- Rules the law leaves to each province -----------------------------------------------------------
# Defaults for every bloc; a bloc overrides them in its settings and a year may override the bloc.
# The values are those of the domain brief (regional practice), never constants in code.
BLOC_SETTING_DEFAULTS = {
    "score_scale": 100,
    "bonus_cap": 5,
    "deduction_cap": 10,
    "classification_bands": [
        {"label": "Xuất sắc", "min": 90},
        {"label": "Tốt", "min": 75},
        {"label": "Khá", "min": 60},
        {"label": "Không hoàn thành", "min": 0},
    ],
    "tie_break_order": ["group_first", "fewer_deductions"],
    "late_self_assessment": "accept_marked_late",
    "flag_quota": 1,
    "merit_quota": 3,
    "vote_threshold_percent": 50,
    "vote_threshold_strict": True,
    "vote_denominator": "members",
    "quorum_percent": 67,
    "allow_self_vote": False,
    # Units tied at the quota's edge (or too few over the threshold): "runoff" = vote again among them;
    # "higher_score" = the better rank in the published ranking wins, a run-off only if that ties too.
    "vote_tie_break": "runoff",
    # When year N+1 opens, its leader's tasks from N's plan that were dated before the conference are due this
    # many days after it, and the members' covenant registration this many.
    "next_leader_task_days": 30,
    "covenant_registration_days": 45,
    "reminder_offsets_days": [7, 3, 1],
    "summary_page_limit": 1.5,
    # Reports and self-assessment sheets after their due date are accepted and marked late for this many days;
    # then the deadline closes (an extension reopens it for one unit). The one rule: blocs/deadlines.py.
    "late_submission_grace_days": 7,
    # Reminders after a due date: one a day for this many days, to units that have not submitted.
    "overdue_reminder_days": 3,
    # What one unit may store in one emulation year: evidence, report files and award dossiers together (MB).
    "storage_quota_mb": 500,
}

# The law on emulation and commendation in force from each date: the legal bases (căn cứ) a bloc's submission
# (tờ trình) cites unless its year sets its own (awards.AwardYearSettings). Each entry applies from its date until
# the next one; a date before the first takes the first.
AWARDS_LEGAL_BASES = [
    {
        "from": "2017-09-15",
        "bases": [
            "Căn cứ Luật Thi đua, Khen thưởng ngày 26/11/2003; Luật sửa đổi, bổ sung một số điều của Luật Thi đua, "
            "Khen thưởng ngày 14/6/2005 và ngày 16/11/2013;",
            "Căn cứ Nghị định số 91/2017/NĐ-CP ngày 31/7/2017 của Chính phủ quy định chi tiết thi hành một số điều "
            "của Luật Thi đua, khen thưởng;",
        ],
    },
    {
        "from": "2024-01-01",
        "bases": [
            "Căn cứ Luật Thi đua, khen thưởng ngày 15/6/2022;",
            "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ quy định chi tiết thi hành một số "
            "điều của Luật Thi đua, khen thưởng;",
        ],
    },
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
