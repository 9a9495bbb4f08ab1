"""Settings come from the environment; a bad value stops start-up with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from nurture import env

ROOT = Path(__file__).resolve().parent.parent


def test_booleans() -> None:
    assert env.env_bool("X", False, environ={"X": "yes"}) is True
    assert env.env_bool("X", True, environ={"X": "0"}) is False
    assert env.env_bool("X", True, environ={}) is True
    with pytest.raises(ImproperlyConfigured, match="X must be true or false"):
        env.env_bool("X", False, environ={"X": "maybe"})


def test_integers_with_limits() -> None:
    assert env.env_int("N", 5, environ={"N": " 7 "}) == 7
    assert env.env_int("N", 5, environ={}) == 5
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number"):
        env.env_int("N", 5, environ={"N": "seven"})
    with pytest.raises(ImproperlyConfigured, match="N must be at least 1"):
        env.env_int("N", 5, minimum=1, environ={"N": "0"})
    with pytest.raises(ImproperlyConfigured, match="N must be at most 9"):
        env.env_int("N", 5, maximum=9, environ={"N": "10"})


def test_lists_and_choices() -> None:
    assert env.env_list("L", ["a"], environ={"L": "x, y,,z"}) == ["x", "y", "z"]
    assert env.env_list("L", ["a"], environ={}) == ["a"]
    assert env.env_choice("C", "a", ("a", "b"), environ={"C": "B"}) == "b"
    with pytest.raises(ImproperlyConfigured, match="C must be one of a, b"):
        env.env_choice("C", "a", ("a", "b"), environ={"C": "c"})


def test_secrets_from_value_file_or_generated(tmp_path: Path) -> None:
    assert env.env_secret("S", environ={"S": "abc"}) == "abc"
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file\n")
    assert env.env_secret("S", environ={"S_FILE": str(secret_file)}) == "from-file"
    with pytest.raises(ImproperlyConfigured, match="S_FILE points to"):
        env.env_secret("S", environ={"S_FILE": str(tmp_path / "missing")})
    generated = tmp_path / "var" / "secret.key"
    first = env.env_secret("S", fallback_file=generated, environ={})
    assert len(first) > 40
    assert env.env_secret("S", fallback_file=generated, environ={}) == first
    with pytest.raises(ImproperlyConfigured, match="S \\(or S_FILE\\) must be set"):
        env.env_secret("S", environ={})


def test_database_urls(tmp_path: Path) -> None:
    sqlite = env.database_config(None, tmp_path / "db.sqlite3")
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    options = sqlite["OPTIONS"]
    assert isinstance(options, dict)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout" in options["init_command"]
    postgres = env.database_config("postgres://nurture:pw@db.example:5432/nurture", tmp_path)
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert postgres["NAME"] == "nurture"
    assert "-c jit=off" in postgres["OPTIONS"]["options"]  # type: ignore[index]
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must start with"):
        env.database_config("mysql://x@y/z", tmp_path)


def _start(**variables: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "nurture.settings", **variables}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("NURTURE_DEBUG", "perhaps", "NURTURE_DEBUG must be true or false"),
        ("NURTURE_SESSION_HOURS", "0", "NURTURE_SESSION_HOURS must be at least 1"),
        ("NURTURE_EMAIL", "pigeon", "NURTURE_EMAIL must be one of console, smtp"),
        ("DATABASE_URL", "oracle://db/x", "DATABASE_URL must start with"),
    ],
)
def test_a_bad_setting_stops_start_up_with_its_name(name: str, value: str, message: str) -> None:
    result = _start(**{name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_hashes_passwords_with_argon2() -> None:
    from nurture import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert (
        Argon2PasswordHasher().encode("a passphrase", "somesalt1234").startswith("argon2$argon2id$")
    )


def test_strict_content_security_policy() -> None:
    from django.conf import settings

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
