"""The readiness check as a form: the parent's answers, the provider's rules, the result.

The rules themselves are pure (``readiness.py``); this module reads a provider's settings and
turns form answers into ``readiness.Answers``. A passed check is kept in the parent's session
for a little while, so the guided page can start from it without asking again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils import timezone

from nurture.accounts.models import ProgrammeRules
from nurture.practice.cues import BabyState
from nurture.practice.readiness import (
    SETTING_CHECKLIST,
    Action,
    Answers,
    Readiness,
    RulesConfig,
    Verdict,
)

CHECK_KEY = "practice_checks"
CHECK_GOOD_FOR = timedelta(hours=1)
"""How long a passed check stands before we ask again (a baby's state changes quickly)."""

IMMUNISATION_CHOICES = [
    ("", "No, not in the last few days"),
    ("6", "Yes, within the last 6 hours"),
    ("24", "Yes, within the last day"),
    ("48", "Yes, 1 to 2 days ago"),
    ("72", "Yes, 2 to 3 days ago"),
]
FEED_CHOICES = [
    ("", "More than an hour ago"),
    ("10", "Less than 15 minutes ago"),
    ("20", "15 to 30 minutes ago"),
    ("45", "30 minutes to an hour ago"),
]
HEALTH_FIELDS = ("hungry", "unwell", "feverish", "tummy_upset", "cord_not_healed")
INJECTION_SITES = [("legs-and-feet", "A leg (thigh)"), ("arms-and-hands", "An arm")]


def rules_config_for(provider_id: int) -> RulesConfig:
    """The provider's readiness settings (the defaults follow domain.md §3)."""
    rules = ProgrammeRules.for_provider(provider_id)
    return RulesConfig(
        immunisation_hours=rules.immunisation_hours,
        immunisation_action=Action(rules.immunisation_action),
        feed_minutes=rules.feed_minutes,
        feed_action=Action(rules.feed_action),
    )


class ReadinessForm(forms.Form):
    """Before every session: the baby, the setting, and which routine today."""

    routine = forms.ChoiceField(label="What would you like to do today?", widget=forms.RadioSelect)
    state = forms.ChoiceField(
        label="How is your baby right now?",
        choices=[(state.value, state.label) for state in BabyState],
        initial=BabyState.QUIET_ALERT.value,
        widget=forms.RadioSelect,
    )
    hungry = forms.BooleanField(label="Seems hungry", required=False)
    unwell = forms.BooleanField(label="Unwell or poorly", required=False)
    feverish = forms.BooleanField(label="Has a high temperature", required=False)
    tummy_upset = forms.BooleanField(label="Has diarrhoea or a tummy upset", required=False)
    cord_not_healed = forms.BooleanField(
        label="The tummy button has not fully healed yet", required=False
    )
    sore_skin_areas = forms.MultipleChoiceField(
        label="Any broken skin, a rash or a sore patch? Tick where.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    since_immunisation = forms.ChoiceField(
        label="Has your baby had immunisations recently?",
        choices=IMMUNISATION_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    injection_sites = forms.MultipleChoiceField(
        label="Where did the injections go?",
        choices=INJECTION_SITES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    since_feed = forms.ChoiceField(
        label="When did your baby last feed?",
        choices=FEED_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    setting = forms.MultipleChoiceField(
        label="Your space (tick what's ready)",
        choices=[(item.id, item.label) for item in SETTING_CHECKLIST],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        routines: list[tuple[str, str]],
        areas: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        routine = self.fields["routine"]
        assert isinstance(routine, forms.ChoiceField)
        routine.choices = routines
        if routines:
            routine.initial = routines[0][0]
        sore = self.fields["sore_skin_areas"]
        assert isinstance(sore, forms.MultipleChoiceField)
        sore.choices = areas

    def health_fields(self) -> list[forms.BoundField]:
        """The yes/no questions about the baby's health today, shown as one group."""
        return [self[name] for name in HEALTH_FIELDS]

    def answers(self) -> Answers:
        data = self.cleaned_data

        def since(value: str, unit: str) -> timedelta | None:
            return timedelta(**{unit: int(value)}) if value else None

        return Answers(
            since_immunisation=since(data.get("since_immunisation") or "", "hours"),
            injection_sites=tuple(data.get("injection_sites") or ()),
            unwell=data["unwell"],
            feverish=data["feverish"],
            sore_skin_areas=tuple(data.get("sore_skin_areas") or ()),
            cord_healed=not data["cord_not_healed"],
            tummy_upset=data["tummy_upset"],
            since_feed=since(data.get("since_feed") or "", "minutes"),
            state=BabyState(data["state"]),
            hungry=data["hungry"],
        )

    def missing_setting(self) -> list[str]:
        """The setting checklist items not ticked: a gentle reminder, never a block."""
        ticked = set(self.cleaned_data.get("setting") or ())
        return [item.label for item in SETTING_CHECKLIST if item.id not in ticked]


def keep_passed_check(request: HttpRequest, baby_id: Any, routine: str, result: Readiness) -> None:
    checks = dict(request.session.get(CHECK_KEY, {}))
    checks[str(baby_id)] = {
        "routine": routine,
        "readiness": result.to_dict(),
        "at": timezone.now().isoformat(),
    }
    request.session[CHECK_KEY] = checks


def forget_check(request: HttpRequest, baby_id: Any) -> None:
    """A later check that says wait or not today cancels an earlier pass."""
    checks = dict(request.session.get(CHECK_KEY, {}))
    if checks.pop(str(baby_id), None) is not None:
        request.session[CHECK_KEY] = checks


def passed_check(request: HttpRequest, baby_id: Any) -> tuple[str, Readiness] | None:
    """A check that let the session go ahead within the last hour, if there is one."""
    found = request.session.get(CHECK_KEY, {}).get(str(baby_id))
    if not found:
        return None
    try:
        at = datetime.fromisoformat(found["at"])
        result = Readiness.from_dict(found["readiness"])
    except (KeyError, TypeError, ValueError):
        return None
    if timezone.now() - at > CHECK_GOOD_FOR or result.verdict in (Verdict.WAIT, Verdict.DEFER):
        return None
    return str(found["routine"]), result
