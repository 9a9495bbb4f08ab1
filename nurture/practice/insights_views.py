"""The parent's insights page for one of their babies: what the baby enjoys, the best times
for a massage, and how practice and the diary have gone.

Only the baby's own family's carers see it; for anyone else, staff included, the baby is a
404. The figures come from ``parent.baby_insights`` (the API returns the same ones); this
module only adds the charts and renders the page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from nurture import policy
from nurture.practice import insight_charts as parent_charts
from nurture.practice import insights as parent
from nurture.practice import selectors


@policy.require_roles(policy.Role.PARENT)
@require_GET
def baby_insights(request: HttpRequest, baby_id: Any) -> HttpResponse:
    baby = selectors.practice_baby(request.user, baby_id)
    insights = parent.baby_insights(baby)
    return render(
        request,
        "practice/insights.html",
        {
            "baby": baby,
            "insights": insights,
            "charts": parent_charts.page_charts(insights),
            "diary": parent_charts.diary_panels(insights),
            "min_cues": selectors.MIN_CUES,
        },
    )
