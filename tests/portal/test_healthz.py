from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_with_a_reason_when_the_database_is_unreachable() -> None:
    """A real unreachable PostgreSQL (nothing listens on port 1), in a fresh process."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code); print(r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "nurture.settings",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nowhere",
            "NURTURE_ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    status, body = result.stdout.strip().splitlines()[-2:]
    assert status == "503", result.stderr
    assert '"status": "error"' in body
    assert '"database": "unreachable"' in body
    assert '"reason"' in body
