"""The API under /api/v1/: each app's router, one error shape, OpenAPI at openapi.json."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
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

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
COMMON_STATUSES = {
    "400": "The body is not JSON.",
    "401": "Not signed in: send Authorization: Bearer <token>.",
    "403": "A signed-in browser session that must set up two-step verification first.",
    "404": "Not found, or not yours to see (never told apart).",
    "413": "The request body is larger than the upload limit.",
    "422": "Some details need correcting: each error names its field.",
}


class NurtureAPI(NinjaAPI):
    """The API, with the statuses every operation can answer documented on each: the
    sign-in, not-found, size and validation problems the shared layers return (one Problem
    shape), not only those a route lists itself."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                wanted = ["404", "422"]
                if operation.get("security"):
                    wanted += ["401", "403"]
                if "requestBody" in operation:
                    wanted += ["400", "413"]
                for status in wanted:
                    responses.setdefault(
                        status,
                        {
                            "description": COMMON_STATUSES[status],
                            "content": {"application/json": {"schema": PROBLEM_REF}},
                        },
                    )
        return schema


api = NurtureAPI(
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
@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """An address under /api/ that matches no route (or holds a malformed id): a JSON 404
    like every other, not the site's HTML page."""
    return JsonResponse({"detail": "Not found.", "errors": []}, status=404)
