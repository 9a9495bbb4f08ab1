"""Test settings: the real settings with a fast password hasher and in-memory email.

Argon2 stays the production hasher (tests check ``nurture.settings`` for it); hashing
thousands of test passwords with it would only slow the suite down.
"""

import os

os.environ.setdefault("NURTURE_TASKS", "immediate")

from nurture.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Staff two-step verification is tested on its own (tests/accounts/test_two_step.py), with
# this switched on; elsewhere staff log in with a password alone.
REQUIRE_MFA = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# WhiteNoise warns when STATIC_ROOT is missing (a fresh clone has not run collectstatic).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
