"""A provider's outcomes settings, schedule and thresholds (managers only), and the
questionnaires the API offers."""

from __future__ import annotations

from pathlib import Path

import pytest

from nurture.audit.models import AuditEvent
from nurture.lib.errors import DomainError
from nurture.outcomes.models import OutcomesSettings, ReferralThreshold, TimePoint
from nurture.questionnaires import config, instruments, scoring
from nurture.questionnaires.instruments import Instrument
from tests.conftest import World, api_client_for

pytestmark = pytest.mark.django_db


def test_scoring_stays_free_of_django() -> None:
    for module in (scoring, instruments):
        assert "django" not in Path(str(module.__file__)).read_text(), module.__name__


def test_settings_checks_the_duty_clinician_and_limits(world: World) -> None:
    manager = world.users["manager_a"]
    for wrong in ("facilitator_a", "hv_b", "parent_a"):
        with pytest.raises(DomainError) as error:
            config.settings_update(
                actor=manager,
                provider=world.provider_a,
                data=config.SettingsData(duty_clinician_id=world.users[wrong].pk),
            )
        assert list(error.value.errors) == ["duty_clinician_id"], wrong
    with pytest.raises(DomainError) as error:
        config.settings_update(
            actor=manager,
            provider=world.provider_a,
            data=config.SettingsData(duty_clinician_id=None, escalation_hours=0, post_session=0),
        )
    assert set(error.value.errors) == {"escalation_hours", "post_session"}
    row = config.settings_update(
        actor=manager,
        provider=world.provider_a,
        data=config.SettingsData(duty_clinician_id=world.users["hv_a2"].pk, escalation_hours=2),
    )
    assert OutcomesSettings.for_provider(world.provider_a.pk) == row
    assert row.facilitator_instruction.startswith("Please speak to the family's health visitor")
    event = AuditEvent.objects.get(action="outcomes_settings.updated")
    assert event.data["escalation_hours"] == [4, 2]
    with pytest.raises(DomainError):
        config.settings_update(
            actor=world.users["hv_a"],
            provider=world.provider_a,
            data=config.SettingsData(duty_clinician_id=None),
        )


def test_schedule_and_threshold_checks(world: World) -> None:
    manager = world.users["manager_a"]
    with pytest.raises(DomainError) as error:
        config.schedule_set(
            actor=manager,
            provider=world.provider_a,
            entries=[("epds", "baseline", False), ("phq9", "weekly", False)],
        )
    assert error.value.errors == {
        "entries.0.instrument": "There is no such questionnaire here.",
        "entries.1.point": "Choose baseline, post or follow_up.",
    }
    with pytest.raises(DomainError) as error:
        config.threshold_set(
            actor=manager, provider=world.provider_a, instrument_key="phq9", total=28
        )
    assert error.value.errors == {"total": "Choose a total above 0 and at most 27."}
    config.threshold_set(actor=manager, provider=world.provider_a, instrument_key="phq9", total=12)
    assert ReferralThreshold.objects.get().total == 12
    config.threshold_set(
        actor=manager, provider=world.provider_a, instrument_key="phq9", total=None
    )
    assert not ReferralThreshold.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("manager_a", 200), ("admin", 200), ("hv_a", 404), ("facilitator_a", 404), ("manager_b", 404)],
)
def test_settings_api_is_for_managers(world: World, who: str, status: int) -> None:
    client = api_client_for(world.users[who])
    url = f"/api/v1/providers/{world.provider_a.pk}/outcomes-settings"
    assert client.get(url).status_code == status
    put = client.put(
        url, {"duty_clinician_id": None, "escalation_hours": 6}, content_type="application/json"
    )
    assert put.status_code == status
    if status == 200:
        assert put.json()["escalation_hours"] == 6
        schedule = client.put(
            f"/api/v1/providers/{world.provider_a.pk}/outcomes-schedule",
            {"entries": [{"instrument": "gad7", "point": TimePoint.POST}]},
            content_type="application/json",
        )
        assert schedule.json() == {
            "entries": [{"instrument": "gad7", "point": "post", "optional": False}]
        }


def test_questionnaires_in_the_api(world: World, epds: Instrument) -> None:
    client = api_client_for(world.users["parent_a"])
    listed = client.get("/api/v1/instruments").json()
    assert {(i["key"], i["licensed"]) for i in listed} == {
        ("phq9", False),
        ("gad7", False),
        ("course-feedback", False),
        ("epds", True),
    }
    phq9 = client.get("/api/v1/instruments/phq9").json()
    assert phq9["recall"].startswith("Over the last 2 weeks") and len(phq9["items"]) == 10
    assert phq9["items"][8]["options"][1] == {"choice": 1, "label": "Several days"}
    assert phq9["items"][9]["required"] is False
    assert "score" not in str(phq9) and "safety" not in str(phq9)
    assert client.get("/api/v1/instruments/phq9?version=9").status_code == 404
    assert client.get("/api/v1/instruments/epds").json()["items"][0]["text"] == "Synthetic item 1"


def test_the_epds_is_not_offered_until_installed(world: World) -> None:
    client = api_client_for(world.users["parent_a"])
    assert "epds" not in {i["key"] for i in client.get("/api/v1/instruments").json()}
    assert client.get("/api/v1/instruments/epds").status_code == 404
