"""Safety alert pages for staff: the list, one alert, and acknowledging and closing it.

Health visitors, service managers and admins reach these pages; which alerts each sees is
``policy.alerts_visible_to`` (anything else is a 404), and only the people
``policy.can_act_on_alert`` names get the buttons. Every page that shows an alert goes
through an audited read. A closed alert is a read-only record.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from nurture import policy
from nurture.families.models import Carer
from nurture.lib.errors import DomainError, add_to_forms
from nurture.outcomes.models import AlertAction, AlertOutcome, AlertState, SafetyAlert
from nurture.safeguarding import alerts
from nurture.safeguarding import pages as alert_pages
from nurture.safeguarding import selectors as safeguarding_selectors
from nurture.safeguarding.alert_forms import CloseAlertForm

readers = policy.require_roles(*alert_pages.READER_ROLES)


@readers
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    closed = request.GET.get("show") == "closed"
    page, rows = alert_pages.alert_page(request.user, closed=closed, number=request.GET.get("page"))
    return render(
        request,
        "alerts/list.html",
        {"page": page, "rows": rows, "closed": closed, "show": "closed" if closed else ""},
    )


def _detail(
    request: HttpRequest, alert: SafetyAlert, *, form: CloseAlertForm | None = None
) -> HttpResponse:
    user = request.user
    family = alert.family
    can_act = alert.state != AlertState.CLOSED and policy.can_act_on_alert(user, alert)
    context = {
        "alert": alert,
        "raised": alert_pages.what_raised(alert),
        "sees_scores": policy.can_see_scores(user, family),
        "carers": list(Carer.objects.filter(family=family).order_by("given_name")),
        "babies": list(family.babies.order_by("date_of_birth", "given_name")),
        "sees_family": policy.families_visible_to(user).filter(pk=family.pk).exists(),
        "escalations": list(alert.escalations.all()),
        "overdue": alert_pages.is_overdue(alert, timezone.now()),
        "can_acknowledge": can_act and alert.state == AlertState.OPEN,
        "can_close": can_act and alert.state == AlertState.ACKNOWLEDGED,
        "form": form or CloseAlertForm(),
        "action_labels": [AlertAction(code).label for code in alert.actions],
        "outcome_label": AlertOutcome(alert.outcome).label if alert.outcome else "",
    }
    return render(request, "alerts/detail.html", context)


@readers
@require_GET
def alert_detail(request: HttpRequest, alert_id: Any) -> HttpResponse:
    return _detail(request, safeguarding_selectors.alert_detail(request.user, alert_id))


def _actionable(request: HttpRequest, alert_id: Any) -> SafetyAlert:
    """The alert, for someone who may act on it (others who may only read it get a 404)."""
    alert = safeguarding_selectors.alert_detail(request.user, alert_id)
    if not policy.can_act_on_alert(request.user, alert):
        raise Http404("Not found.")
    return alert


@readers
@require_POST
def acknowledge(request: HttpRequest, alert_id: Any) -> HttpResponse:
    alert = _actionable(request, alert_id)
    already = alert.state == AlertState.ACKNOWLEDGED
    try:
        alerts.acknowledge_alert(actor=request.user, alert=alert)
    except DomainError as error:
        messages.error(request, " ".join(error.errors.values()))
    else:
        messages.success(
            request,
            "This alert was already acknowledged."
            if already
            else "Alert acknowledged: it will not escalate. Close it once you have acted.",
        )
    return redirect("alerts:detail", alert.pk)


@readers
@require_POST
def close(request: HttpRequest, alert_id: Any) -> HttpResponse:
    alert = _actionable(request, alert_id)
    form = CloseAlertForm(request.POST)
    if form.is_valid():
        try:
            alerts.close_alert(actor=request.user, alert=alert, **form.values())
        except DomainError as error:
            if "state" in error.errors:
                messages.error(request, error.errors["state"])
                return redirect("alerts:detail", alert.pk)
            add_to_forms(error, {"": form})
        else:
            messages.success(request, "Alert closed. The action and outcome are recorded.")
            return redirect("alerts:detail", alert.pk)
    return _detail(request, alert, form=form)
