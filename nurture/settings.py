"""Nurture settings: one module, driven by environment variables (see README, Configuration).

Every variable is read through a typed helper in ``nurture.env``; a bad value stops start-up
with a message naming the variable.
"""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF

from nurture.env import (
    database_config,
    env_bool,
    env_choice,
    env_dir,
    env_int,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("NURTURE_DATA_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("NURTURE_DEBUG", False)
SECRET_KEY = env_secret("NURTURE_SECRET_KEY", fallback_file=DATA_DIR / "secret.key")
ALLOWED_HOSTS = env_list("NURTURE_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("NURTURE_CSRF_TRUSTED_ORIGINS", [])
# The public address, for links in emails and text messages.
NURTURE_SITE_URL = env_str("NURTURE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "nurture.audit",
    "nurture.accounts",
    "nurture.families",
    "nurture.referrals",
    "nurture.courses",
    "nurture.allocation",
    "nurture.notify",
    "nurture.curriculum",
    "nurture.practice",
    "nurture.outcomes",
    "nurture.safeguarding",
    "nurture.questionnaires",
    "nurture.reports",
    "nurture.rights",
    "nurture.api",
    "nurture.portal",
    "nurture.devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "nurture.audit.middleware.AuditContextMiddleware",
    "nurture.accounts.middleware.NoStoreForSignedInMiddleware",
    "nurture.portal.middleware.StaffTwoStepMiddleware",
]

ROOT_URLCONF = "nurture.urls"
WSGI_APPLICATION = "nurture.wsgi.application"

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
                "nurture.portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": database_config(env_str("DATABASE_URL", ""), DATA_DIR / "nurture.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: accounts are made by staff (families are referred, not self-registered),
# so sign-up is closed; people log in with their username or their email address.
ACCOUNT_ADAPTER = "nurture.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = False
# Two-step verification (allauth's MFA): an authenticator app, security keys or passkeys, and
# recovery codes. With NURTURE_REQUIRE_MFA on (the default), staff must set one up before any
# page with family data opens; `make run`'s demo turns it off and says so. Parents may add it.
REQUIRE_MFA = env_bool("NURTURE_REQUIRE_MFA", True)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Nurture"
MFA_FORMS = {"authenticate": "nurture.accounts.forms.WaitingAuthenticateForm"}
# Wrong passwords wait per account and per address (nurture.accounts.lockout) instead of
# allauth's fixed lock per account, which anyone could use to lock a person out.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Nurture: "
ACCOUNT_FORMS = {
    "login": "nurture.accounts.forms.WaitingLoginForm",
    "change_password": "nurture.accounts.forms.AuditedChangePasswordForm",
    "reset_password_from_key": "nurture.accounts.forms.AuditedResetPasswordKeyForm",
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("NURTURE_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# A database cache, shared by every web process (used for login rate limits).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "nurture_cache",
        # Room for every login wait: with Django's default (300 entries) a flood of made-up
        # names would push the real ones out.
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    }
}

# Sessions live in the database, so any number of web processes can serve a user.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("NURTURE_SESSION_HOURS", 12, minimum=1, maximum=24 * 30) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

HTTPS = env_bool("NURTURE_HTTPS", False)
# Security keys need a secure origin; plain http is allowed only on a machine without HTTPS
# (http://127.0.0.1 in development and the demo).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# HSTS preload is opted into deliberately per deployment (it is hard to undo).
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict Content Security Policy: no inline scripts or styles anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}[env_choice("NURTURE_EMAIL", "console", ("console", "smtp"))]
EMAIL_HOST = env_str("NURTURE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("NURTURE_EMAIL_PORT", 587, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("NURTURE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("NURTURE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("NURTURE_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = env_str("NURTURE_FROM_EMAIL", "Nurture <no-reply@nurture.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Messages (nurture.notify). Text messages go to the console, a file (var/sms.log) or GOV.UK
# Notify; email through Django's email settings above, or through Notify.
NOTIFY_SMS_BACKEND = env_choice("NURTURE_SMS", "file", ("console", "file", "notify"))
NOTIFY_EMAIL_BACKEND = env_choice("NURTURE_EMAIL_VIA", "django", ("django", "notify"))
NOTIFY_API_KEY = env_str("NURTURE_NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = env_str("NURTURE_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_SMS_TEMPLATE_ID = env_str("NURTURE_NOTIFY_SMS_TEMPLATE_ID", "")
NOTIFY_EMAIL_TEMPLATE_ID = env_str("NURTURE_NOTIFY_EMAIL_TEMPLATE_ID", "")
if "notify" in (NOTIFY_SMS_BACKEND, NOTIFY_EMAIL_BACKEND):
    _missing = [
        name
        for name, value in (
            ("NURTURE_NOTIFY_API_KEY", NOTIFY_API_KEY),
            ("NURTURE_NOTIFY_SMS_TEMPLATE_ID", NOTIFY_SMS_TEMPLATE_ID),
            ("NURTURE_NOTIFY_EMAIL_TEMPLATE_ID", NOTIFY_EMAIL_TEMPLATE_ID),
        )
        if not value
    ]
    if _missing:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"GOV.UK Notify is chosen, so set {', '.join(_missing)}.")
# Non-urgent messages are held between these hours (local time) until the morning.
NOTIFY_QUIET_HOURS = (
    env_int("NURTURE_QUIET_HOURS_START", 21, minimum=0, maximum=23),
    env_int("NURTURE_QUIET_HOURS_END", 8, minimum=0, maximum=23),
)
# When session reminders go: this many days before, and on the morning of the session.
NOTIFY_REMINDER_DAYS_BEFORE = env_int("NURTURE_REMINDER_DAYS_BEFORE", 2, minimum=0, maximum=14)
NOTIFY_SAME_DAY_REMINDER = env_bool("NURTURE_SAME_DAY_REMINDER", True)

# Questionnaire packs a provider holds under licence (e.g. the EPDS): a directory of .toml
# packs, loaded and checked at start-up next to the packs Nurture ships (see README).
NURTURE_LICENSED_PACKS_DIR = env_dir("NURTURE_LICENSED_PACKS_DIR")

TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[env_choice("NURTURE_TASKS", "database", ("database", "immediate"))]
    }
}

# The most rows one API page returns (?limit=...).
NINJA_PAGINATION_MAX_LIMIT = 100
NINJA_PAGINATION_PER_PAGE = 50

# API tokens: how long a token from POST /api/v1/auth/token stays valid.
API_TOKEN_DAYS = env_int("NURTURE_API_TOKEN_DAYS", 30, minimum=1, maximum=365)
# How many proxies in front of Nurture append to X-Forwarded-For: the client's address (for
# the audit log and the login limits) is that many from the right. 0: the connection's own.
# NURTURE_TRUST_X_FORWARDED_FOR=true, the older setting, means one proxy.
TRUSTED_PROXY_COUNT = env_int(
    "NURTURE_TRUSTED_PROXY_COUNT",
    1 if env_bool("NURTURE_TRUST_X_FORWARDED_FOR", False) else 0,
    minimum=0,
    maximum=5,
)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice(
            "NURTURE_LOG_LEVEL", "info", ("debug", "info", "warning", "error")
        ).upper(),
    },
}

# Programme reports over more referrals than this (in all, not only in their date range) are
# prepared in the background and read from the prepared copy (nurture/reports/prepared.py).
REPORT_PREPARED_ABOVE = env_int(
    "NURTURE_REPORT_PREPARED_ABOVE", 50_000, minimum=0, maximum=100_000_000
)
