"""Typed readers for environment variables.

Each helper names the variable in its error, so a bad value stops start-up with a message
an operator can act on rather than a confusing failure later.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    value = source.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (1/0, yes/no, on/off); got {value!r}."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {number}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}; got {number}.")
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    value = _raw(name, environ)
    if value is None or value == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(
    name: str, default: str, choices: tuple[str, ...], *, environ: Mapping[str, str] | None = None
) -> str:
    value = env_str(name, default, environ=environ).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return value


def env_dir(name: str, *, environ: Mapping[str, str] | None = None) -> Path | None:
    """An existing directory named by NAME, or None when NAME is unset or empty."""
    value = _raw(name, environ)
    if not value:
        return None
    path = Path(value).expanduser().resolve()
    if not path.is_dir():
        raise ImproperlyConfigured(f"{name} must name an existing directory; got {value!r}.")
    return path


def env_secret(
    name: str, *, fallback_file: Path | None = None, environ: Mapping[str, str] | None = None
) -> str:
    """Read a secret from NAME, or from the file named by NAME_FILE (container secrets).

    With neither set, a random secret is generated once into ``fallback_file`` so a trial
    install works without set-up; production sets the variable.
    """
    value = _raw(name, environ)
    if value:
        return value
    file_name = _raw(f"{name}_FILE", environ)
    if file_name:
        path = Path(file_name)
        if not path.is_file():
            raise ImproperlyConfigured(f"{name}_FILE points to {file_name}, which does not exist.")
        secret = path.read_text().strip()
        if not secret:
            raise ImproperlyConfigured(f"{name}_FILE points to an empty file ({file_name}).")
        return secret
    if fallback_file is None:
        raise ImproperlyConfigured(f"{name} (or {name}_FILE) must be set.")
    if not fallback_file.exists():
        from secrets import token_urlsafe

        fallback_file.parent.mkdir(parents=True, exist_ok=True)
        fallback_file.write_text(token_urlsafe(50))
        fallback_file.chmod(0o600)
    return fallback_file.read_text().strip()


def database_config(url: str | None, sqlite_path: Path) -> dict[str, object]:
    """The default database: PostgreSQL from a URL, or SQLite tuned for concurrent writers."""
    if url:
        import dj_database_url

        if not url.startswith(("postgres://", "postgresql://", "sqlite://")):
            raise ImproperlyConfigured(
                "DATABASE_URL must start with postgres://, postgresql:// or sqlite://; "
                f"got {url.split(':', 1)[0]!r}."
            )
        try:
            config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        except ValueError as error:
            raise ImproperlyConfigured(f"DATABASE_URL could not be read: {error}") from None
        if config["ENGINE"] == "django.db.backends.sqlite3":
            return _sqlite(Path(str(config["NAME"])))
        # Fail fast (and let /healthz answer 503) when the server is unreachable.
        options: dict[str, Any] = dict(config.get("OPTIONS") or {})  # type: ignore[call-overload]
        # No JIT: compiling a report query took longer (0.6 to 2.2 s at trust size) than
        # running it. Report and page queries are short; JIT only pays off for hour-long ones.
        server_options = " ".join(filter(None, ["-c jit=off", options.pop("options", "")]))
        config["OPTIONS"] = {"connect_timeout": 5, "options": server_options, **options}
        return config
    return _sqlite(sqlite_path)


def _sqlite(path: Path) -> dict[str, object]:
    # WAL lets readers carry on while one writer commits; IMMEDIATE takes the write lock at
    # the start of a transaction so two writers queue (busy timeout) instead of deadlocking;
    # synchronous=FULL keeps every acknowledged commit through a power cut.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;"
                "PRAGMA busy_timeout=20000;PRAGMA foreign_keys=ON;"
            ),
        },
    }
