"""The API keeps its OpenAPI contract for every role: schemathesis sends generated requests,
valid and invalid, to every operation, and no answer may be a server error, an undocumented
status or content type, or a body that breaks its documented schema.

Slow (every operation, five roles), so it runs on its own: ``make test-contract`` (CI runs
it), not in ``make test``. Domain rules may refuse values the schema allows (a date of
birth years ago, an email too long for the address field): those are 422s naming the field,
documented on every operation, so that one check is left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from nurture.accounts import services
from tests.conftest import World

pytestmark = pytest.mark.django_db  # collected only by make test-contract (tests/conftest.py)

ROLES = ["admin", "manager_a", "hv_a", "facilitator_a", "parent_a"]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """schemathesis calls the WSGI app itself, whose request signals would close the test's
    database connection after each request (on PostgreSQL, where the test's transaction lives
    on that connection). Django's own test client detaches them the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(params=ROLES)
def token(request: Any, world: World) -> str:
    user = world.admin if request.param == "admin" else world.users[request.param]
    return services.api_token_issue(user=user)


@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract_for_every_role(case: Any, token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        excluded_checks=[positive_data_acceptance],
    )
