"""The API under /api/v1/: each app's router, one error shape, OpenAPI at openapi.json."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI

from nurture import policy
from nurture.accounts.api import router as accounts_router
from nurture.courses.api import router as courses_router
from nurture.curriculum.api import router as curriculum_router
from nurture.families.api import router as families_router
from nurture.lib import problems
from nurture.notify.api import router as notify_router
from nurture.practice.api import router as practice_router
from nurture.practice.api_insights import router as practice_insights_router
from nurture.questionnaires.api import router as questionnaires_router
from nurture.referrals.api import router as referrals_router
from nurture.reports.api import router as insights_router
from nurture.rights.api import router as rights_router
from nurture.safeguarding.api import router as safeguarding_router

api = NinjaAPI(
    title="Nurture API",
    version="1",
    description=(
        "Infant massage programmes. Get a token from POST /api/v1/auth/token and send it as "
        "`Authorization: Bearer <token>`. Everything is scoped to what you may see: another "
        "family's or provider's record is a 404."
    ),
    urls_namespace="api",
    docs_url=None,  # the interactive docs need inline scripts, which our CSP forbids
    parser=problems.StrictJSONParser(),
)
problems.install(api)
api.add_router("", accounts_router)
api.add_router("", families_router)
api.add_router("", referrals_router)
api.add_router("", courses_router)
api.add_router("", notify_router)
api.add_router("", curriculum_router)
api.add_router("", practice_router)
api.add_router("", questionnaires_router)
api.add_router("", safeguarding_router)
api.add_router("", insights_router)
api.add_router("", practice_insights_router)
api.add_router("", rights_router)


@policy.public
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """An address under /api/ that matches no route (or holds a malformed id): a JSON 404
    like every other, not the site's HTML page."""
    return JsonResponse({"detail": "Not found.", "errors": []}, status=404)
