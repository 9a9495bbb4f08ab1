"""Test settings: the real settings with a fast password hasher and in-memory email.

Argon2 stays the production hasher (tests check ``nurture.settings`` for it); hashing
thousands of test passwords with it would only slow the suite down.
"""

import os

os.environ.setdefault("NURTURE_TASKS", "immediate")

from nurture.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
