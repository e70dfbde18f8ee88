"""Rapport's one settings module. Everything that differs between installations comes from
environment variables (see docs/configuration.md), read through the strict helpers in env.py."""

from __future__ import annotations

from pathlib import Path

from django.utils.csp import CSP

from rapport import env

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.env_str("RAPPORT_VAR_DIR", str(BASE_DIR / "var")))

PRODUCTION = env.env_bool("RAPPORT_PRODUCTION", False)
DEBUG = env.env_bool("RAPPORT_DEBUG", False)
if PRODUCTION and DEBUG:
    raise env.ConfigError("RAPPORT_DEBUG", "off when RAPPORT_PRODUCTION is on")

SECRET_KEY = env.secret_key(production=PRODUCTION, keep_in=VAR_DIR / "secret_key")
# Private content is encrypted at rest under data keys wrapped by these (rapport/crypto/,
# docs/configuration.md); the first is the newest, the others are kept for rotation only.
RAPPORT_MASTER_KEYS, RAPPORT_MASTER_KEY_GENERATED = env.master_keys(
    production=PRODUCTION, keep_in=VAR_DIR / "master_key"
)
ALLOWED_HOSTS = env.env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise env.ConfigError("ALLOWED_HOSTS", "a comma-separated list of host names in production")
CSRF_TRUSTED_ORIGINS = env.env_list("CSRF_TRUSTED_ORIGINS", [])
# The address people use to reach Rapport; emails build their links from it.
BASE_URL = env.env_str("RAPPORT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "rapport.crypto",
    "rapport.people",
    "rapport.audit",
    "rapport.meetings",
    "rapport.questions",
    "rapport.goals",
    "rapport.checkins",
    "rapport.insights",
    "rapport.notify",
    "rapport.export",
    "rapport.privacy",
    "rapport.fakedata",
    "rapport.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, which serves static files precompressed; above everything that writes a
    # page's body. Django pads each compressed body at random against BREACH
    # (docs/deployment.md#compression).
    "django.middleware.gzip.GZipMiddleware",
    "rapport.middleware.PrivateResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Below authentication (the signed-in person's own language comes first), above everything
    # that writes a message or renders a page.
    "rapport.middleware.LanguageMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "rapport.middleware.SecondFactorEnrolmentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "rapport.middleware.ViewerTimezoneMiddleware",
    "rapport.middleware.RefusedAsNotFoundMiddleware",
    "rapport.middleware.RefusedWriteMiddleware",
]

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rapport" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rapport.context_processors.navigation",
            ],
            # `date` and `time` with display formats in the reader's language (docs/translating.md);
            # Django's i18n tags, constant `{% translate %}` texts looked up once per language
            # (templates do not `{% load i18n %}`: that would bring back Django's own), and
            # `{% kept %}`, HTML the page cache keeps apart (rapport/pagecache.py).
            "builtins": [
                "rapport.templatetags.locale_dates",
                "rapport.templatetags.system_texts",
                "rapport.templatetags.constant_i18n",
                "rapport.templatetags.kept_html",
            ],
        },
    }
]

DATABASES = {"default": env.database("DATABASE_URL", sqlite_path=VAR_DIR / "rapport.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every process (docs/configuration.md#cache): the database's table
# rapport_cache by default, Redis when RAPPORT_CACHE_URL=redis://... The API's rate limit, the
# navigation's depth, the organisation view and the home and team pages' data
# (rapport/pagecache.py) live in it.
CACHES = {"default": env.cache("RAPPORT_CACHE_URL")}
# Home, the team view and the meeting page reuse each viewer's page data until a write bumps
# its version (rapport/versions.py) or time changes what it shows (the meeting page's minute,
# home's and the team view's horizon: rapport/pagecache.py); off, every request computes it.
RAPPORT_PAGE_CACHE = env.env_bool("RAPPORT_PAGE_CACHE", True)

AUTH_USER_MODEL = "people.Person"
# Django's model backend, except that demo accounts cannot sign in in production.
AUTHENTICATION_BACKENDS = ["rapport.people.backends.PersonBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3
# A new person's invitation link (rapport/people/tokens.py) works this many days, and once.
RAPPORT_INVITATION_DAYS = env.env_int("RAPPORT_INVITATION_DAYS", 14, minimum=1)
# An applied departure can be undone for this many days (docs/people.md).
RAPPORT_DEPARTURE_UNDO_DAYS = env.env_int("RAPPORT_DEPARTURE_UNDO_DAYS", 7, minimum=0)

# Sign-in throttling (rapport/people/throttle.py, docs/configuration.md): after this many
# failures for one account, from one client address, or from one trusted browser within the
# window, further tries of that kind are refused until the window has passed.
LOGIN_FAILURE_LIMIT = env.env_int("RAPPORT_LOGIN_FAILURE_LIMIT", 10, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = env.env_int("RAPPORT_LOGIN_FAILURE_WINDOW", 15 * 60, minimum=1)
# Above this many failures across all accounts in the window, an address without a trusted
# browser waits this long after each of its failures: slower guessing, nobody refused for good.
LOGIN_FAILURE_CEILING = env.env_int("RAPPORT_LOGIN_FAILURE_CEILING", 100, minimum=1)
LOGIN_CEILING_COOLDOWN_SECONDS = env.env_int("RAPPORT_LOGIN_CEILING_COOLDOWN", 60, minimum=1)
# A browser that signed in to an account keeps a signed cookie naming it for this long.
TRUSTED_BROWSER_DAYS = env.env_int("RAPPORT_TRUSTED_BROWSER_DAYS", 90, minimum=1)

# A second factor (an authenticator app's six-digit code, docs/configuration.md): required for
# the roles listed ("member", "hr", "admin"), or "everyone"; anyone else may turn it on.
TOTP_REQUIRED_FOR = env.totp_required_for("RAPPORT_TOTP_REQUIRED_FOR", ("hr", "admin"))
# The issuer an authenticator app shows beside the account.
TOTP_ISSUER = env.env_str("RAPPORT_TOTP_ISSUER", "Rapport")

# The audit trail (rapport/audit): events older than this are deleted by the worker each day.
RAPPORT_AUDIT_RETENTION_DAYS = env.env_int("RAPPORT_AUDIT_RETENTION_DAYS", 400, minimum=30)

# Password reset: at most this many reset emails per account, and this many requests per client
# address, in an hour. Over either limit the page answers the same and nothing is sent.
PASSWORD_RESET_ACCOUNT_LIMIT = env.env_int("RAPPORT_PASSWORD_RESET_ACCOUNT_LIMIT", 3, minimum=1)
PASSWORD_RESET_ADDRESS_LIMIT = env.env_int("RAPPORT_PASSWORD_RESET_ADDRESS_LIMIT", 10, minimum=1)
PASSWORD_RESET_LIMIT_WINDOW_SECONDS = 60 * 60

# A 1:1 is out of balance when its connection share is more than this many points off target.
RAPPORT_BALANCE_TOLERANCE = 15

# Languages (docs/translating.md): the source is British English; each person chooses one on
# the account page, else their browser's (Accept-Language) is used. No language prefix in URLs.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("pt", "Português"),
]
LOCALE_PATHS = [BASE_DIR / "rapport" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "rapport" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every start otherwise
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production the files are served straight from the source tree (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email --------------------------------------------------------------------------------
EMAIL_KIND = env.env_choice(
    "EMAIL_BACKEND", ("console", "smtp"), "smtp" if PRODUCTION else "console"
)
if EMAIL_KIND == "smtp":
    _email_tls = env.env_bool("EMAIL_USE_TLS", False)
    _email_ssl = env.env_bool("EMAIL_USE_SSL", False)
    if _email_tls and _email_ssl:
        raise env.ConfigError("EMAIL_USE_SSL", "off when EMAIL_USE_TLS is on (choose one)")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env.env_str("EMAIL_HOST", "localhost"),
                "port": env.env_int(
                    "EMAIL_PORT", 465 if _email_ssl else 25, minimum=1, maximum=65535
                ),
                "username": env.env_str("EMAIL_HOST_USER"),
                "password": env.env_str("EMAIL_HOST_PASSWORD"),
                "use_tls": _email_tls,
                "use_ssl": _email_ssl,
                "timeout": env.env_int("EMAIL_TIMEOUT", 20, minimum=1),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.env_str("DEFAULT_FROM_EMAIL", "Rapport <rapport@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background work and reminders (docs/notifications.md) ----------------------------------
# The database backend needs no broker; `rapport worker` runs its tasks and the reminder tick.
# With rq, tasks go to Redis and `rapport rqworker --job-class django_tasks_rq.Job` runs them.
TASKS_KIND = env.env_choice("RAPPORT_TASKS_BACKEND", ("db", "rq", "immediate"), "db")
if TASKS_KIND == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": env.env_str("REDIS_URL", "redis://127.0.0.1:6379/0")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_KIND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RAPPORT_REMINDER_DAYS_BEFORE = env.env_int("RAPPORT_REMINDER_DAYS_BEFORE", 2, minimum=1, maximum=14)
# Reminders and the weekly digest go out at this hour of the recipient's own day.
RAPPORT_REMINDER_HOUR = env.env_int("RAPPORT_REMINDER_HOUR", 9, minimum=0, maximum=23)
# Chat webhooks over plain http to 127.0.0.1 (a local receiver): only with RAPPORT_DEBUG, never in
# production; the tests turn it on (rapport/notify/chat.py, docs/notifications.md).
CHAT_WEBHOOK_ALLOW_LOOPBACK_HTTP = DEBUG and not PRODUCTION

# --- Retention (docs/operations.md): off (0) by default; the worker applies it daily ----------
# Private notes, private talking points and coaching notes older than this many years go.
RAPPORT_RETAIN_PRIVATE_NOTES_YEARS = env.env_int(
    "RAPPORT_RETAIN_PRIVATE_NOTES_YEARS", 0, minimum=0, maximum=100
)
# A 1:1 that ended (closed) this many years ago loses its content; meeting facts and check-in
# scores stay for the figures.
RAPPORT_RETAIN_ENDED_PAIRS_YEARS = env.env_int(
    "RAPPORT_RETAIN_ENDED_PAIRS_YEARS", 0, minimum=0, maximum=100
)

# --- Security -----------------------------------------------------------------------------
# Sessions are read from the shared cache (CACHES, sealed like every value there) and written
# through to the database: every signed-in request reads its session, and a cache read skips
# building an ORM query (about a tenth of a signed-in page's CPU). A session evicted from the
# cache is read from the database again; signing out deletes both (rapport/people/sessions.py:
# Django's cached_db store, which a sign-out racing a read could leave alive in the cache).
SESSION_ENGINE = "rapport.people.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Cookies are Secure whenever the site is served over HTTPS (always in production); a local
# http://127.0.0.1 install would otherwise be unable to sign in.
SESSION_COOKIE_SECURE = env.env_bool("RAPPORT_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.env_bool("RAPPORT_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env.env_int("RAPPORT_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.env_bool("RAPPORT_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env.env_bool("RAPPORT_HSTS_PRELOAD", PRODUCTION)
# Behind a reverse proxy, requests arrive from the proxy's address: the client's is the entry
# the proxy appended to X-Forwarded-For. With several proxies in a row (a CDN, then nginx), the
# client's entry is RAPPORT_PROXY_HOPS from the right. Off, the header is ignored: anyone can
# send one.
BEHIND_PROXY = env.env_bool("RAPPORT_BEHIND_PROXY", False)
PROXY_HOPS = env.env_int("RAPPORT_PROXY_HOPS", 1, minimum=1, maximum=10)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere: scripts and styles come from our own static files only.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.env_str("RAPPORT_LOG_LEVEL", "INFO")},
}

# --- Check-ins ---------------------------------------------------------------------------
# The report's check-in opens this many days before a 1:1 and stays open until it ends.
CHECKIN_OPENS_DAYS_BEFORE = 3

# --- Team view: signal thresholds and the manager's load (rapport/insights/) ---------------
# How long the organisation view's aggregates are reused (seconds; 0 computes every time).
# Requests one API token may make per minute (docs/api.md); more are answered 429.
RAPPORT_API_REQUESTS_PER_MINUTE = env.env_int(
    "RAPPORT_API_REQUESTS_PER_MINUTE", 120, minimum=1, maximum=100_000
)
# The organisation view's figures: the worker recomputes them into the cache after a change, on
# a new day and once they are this old; a request reads them (0: every request computes its own).
RAPPORT_ORG_VIEW_CACHE_SECONDS = env.env_int("RAPPORT_ORG_VIEW_CACHE_SECONDS", 3600, minimum=0)
# How long the navigation's management depth is reused per viewer (seconds; 0 asks every time).
# A change of manager moves the cache version at once (access.org_chart_changed).
# Each person's copy of their data (docs/privacy.md#export): built by the worker, kept 7 days,
# never served as a static or media file.
RAPPORT_EXPORT_DIR = Path(env.env_str("RAPPORT_EXPORT_DIR", str(VAR_DIR / "exports")))
RAPPORT_NAV_CACHE_SECONDS = env.env_int("RAPPORT_NAV_CACHE_SECONDS", 60, minimum=0)

RAPPORT_SIGNALS = {
    # docs/signals.md explains each rule; the *_ACT_NOW* ones make a signal "act now".
    "LAPSED_PERIODS": 3,  # no 1:1 held for this many cadence periods
    "LAPSED_ACT_NOW_DAYS": 21,  # ... act now once the gap is three weeks or more
    "MOOD_RECENT": 3,  # the last check-ins averaged ...
    "MOOD_WINDOW": 12,  # ... against the earlier ones among this many
    "MOOD_DROP": 1.0,  # points
    "MOOD_ACT_NOW_DROP": 2.0,  # act now: mood fell this much ...
    "LOW_ENERGY": 2.5,  # ... and the same check-ins' energy averages this or less
    "WORKLOAD_HIGH": 4,  # workload score counted as high
    "WORKLOAD_RUN": 3,  # high on this many check-ins in a row
    "WORKLOAD_ACT_NOW_RUN": 6,  # act now: high on this many in a row
    "NO_GOAL_GRACE_DAYS": 28,  # time a pair has to agree on a goal
    "OVERDUE_ACTIONS": 4,  # open actions past their date (never act now on its own)
    "CAREER_GAP_DAYS": 120,  # risk of leaving: no career or growth conversation for this long
    "LOW_CONNECTION_SHARE": 25,  # percent
    "LOW_CONNECTION_RUN": 4,  # meetings in a row
    "SKIPPED_CHECKINS": 3,  # held meetings in a row without a check-in
    "GROWTH_GRACE_DAYS": 14,  # growth conversation overdue this long after it fell due
    "WORK_WEEK_HOURS": 40,
    "LOAD_WARNING_SHARE": 25,  # percent of the working week in 1:1s
}

# --- Single sign-on with OpenID Connect (rapport/people/sso.py, docs/sso.md) ---------------
# Off while RAPPORT_OIDC_ISSUER is empty: then the sign-in page and every rule stay as they were.
# The issuer is the provider's base address; its /.well-known/openid-configuration tells the rest.
OIDC_ISSUER = env.env_str("RAPPORT_OIDC_ISSUER").strip().rstrip("/")
OIDC_CLIENT_ID = env.env_str("RAPPORT_OIDC_CLIENT_ID").strip()
OIDC_CLIENT_SECRET = env.env_str("RAPPORT_OIDC_CLIENT_SECRET")
OIDC_SCOPES = env.env_str("RAPPORT_OIDC_SCOPES", "openid email profile").strip()
# The button says "Sign in with <this>".
OIDC_PROVIDER_NAME = env.env_str("RAPPORT_OIDC_PROVIDER_NAME", "single sign-on").strip()
# A verified address that matches nobody makes a new member (no manager until the next import)
# only when this is on; off, such a person is refused with a message to ask the administrator.
OIDC_CREATE_ACCOUNTS = env.env_bool("RAPPORT_OIDC_CREATE_ACCOUNTS", False)
# Off: passwords are refused for everyone but the break-glass administrators listed below.
PASSWORD_SIGN_IN = env.env_bool("RAPPORT_PASSWORD_SIGN_IN", True)
PASSWORD_SIGN_IN_ADMINS = env.env_list("RAPPORT_PASSWORD_SIGN_IN_ADMINS", [])
if OIDC_ISSUER:
    if not OIDC_ISSUER.startswith(("https://", "http://127.", "http://localhost")):
        raise env.ConfigError("RAPPORT_OIDC_ISSUER", "an https:// address", OIDC_ISSUER)
    if not OIDC_CLIENT_ID or not OIDC_CLIENT_SECRET:
        raise env.ConfigError(
            "RAPPORT_OIDC_CLIENT_ID", "set with RAPPORT_OIDC_CLIENT_SECRET when the issuer is set"
        )
    if "openid" not in OIDC_SCOPES.split():
        raise env.ConfigError("RAPPORT_OIDC_SCOPES", "a list that includes openid", OIDC_SCOPES)
    # Signing out is a form whose answer redirects to the provider's end-session page: browsers
    # hold that redirect to the policy's form-action.
    SECURE_CSP["form-action"] = [CSP.SELF, env.origin_of(OIDC_ISSUER)]
if not PASSWORD_SIGN_IN and not (OIDC_ISSUER and PASSWORD_SIGN_IN_ADMINS):
    # Otherwise nobody could sign in, or nobody could when the provider is down.
    raise env.ConfigError(
        "RAPPORT_PASSWORD_SIGN_IN",
        "on unless RAPPORT_OIDC_ISSUER and RAPPORT_PASSWORD_SIGN_IN_ADMINS are set",
    )
