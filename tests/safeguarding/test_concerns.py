"""Safeguarding concerns (staff only, with a body map), and staff notifications that carry no
clinical detail."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from nurture.audit.models import AuditEvent
from nurture.lib.errors import Conflict, DomainError
from nurture.notify.kinds import KINDS
from nurture.notify.models import Channel, Message
from nurture.notify.staff import to_staff
from nurture.outcomes.models import SafeguardingConcern
from nurture.safeguarding import bodymap, concerns
from tests import factories
from tests.conftest import World, api_client_for

pytestmark = pytest.mark.django_db


def data(**changes: Any) -> concerns.ConcernData:
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "seen": "A bruise on the left cheek; baby is 10 weeks old and not yet rolling.",
        "regions": ["front_face"],
        "explanation": "None given.",
        "action": "Spoke to the safeguarding lead the same day.",
        "informed": "Safeguarding lead; GP by letter.",
        "review_on": timezone.localdate() + timedelta(days=14),
    }
    values.update(changes)
    return concerns.ConcernData(**values)


def test_a_health_visitor_records_a_concern(world: World) -> None:
    family = world.families["a1"]
    hv = world.users["hv_a"]
    given = data(regions=["front_face", "back_buttocks"], baby_id=family.babies.get().pk)
    concern, created = concerns.record_concern(actor=hv, family=family, data=given)
    assert created and concern.owner == hv and concern.recorded_by == hv
    assert (
        concern.regions == ["front_face", "back_buttocks"] and concern.provider == world.provider_a
    )
    again, created = concerns.record_concern(actor=hv, family=family, data=given)
    assert again == concern and not created
    assert SafeguardingConcern.objects.count() == 1
    with pytest.raises(Conflict):
        concerns.record_concern(actor=hv, family=family, data=data(id=given.id, seen="Other."))
    [event] = AuditEvent.objects.filter(action="safeguarding_concern.recorded")
    assert event.data == {"family": str(family.pk)}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"seen": "  "}, "seen"),
        ({"action": ""}, "action"),
        ({"informed": ""}, "informed"),
        ({"regions": ["front_wing"]}, "regions"),
        ({"regions": ["front_face", "front_face"]}, "regions"),
        ({"review_on": timezone.localdate() - timedelta(days=1)}, "review_on"),
        ({"seen_at": timezone.now() + timedelta(hours=2)}, "seen_at"),
        ({"baby_id": uuid.uuid4()}, "baby_id"),
        ({"explanation": "x" * 4001}, "explanation"),
    ],
)
def test_bad_concerns_name_the_field(world: World, changes: dict[str, Any], field: str) -> None:
    with pytest.raises(DomainError) as error:
        concerns.record_concern(
            actor=world.users["hv_a"], family=world.families["a1"], data=data(**changes)
        )
    assert list(error.value.errors) == [field]


def test_the_owner_must_be_a_clinician_of_the_family(world: World) -> None:
    family = world.families["a1"]
    with pytest.raises(DomainError) as error:
        concerns.record_concern(
            actor=world.users["hv_a"],
            family=family,
            data=data(owner_id=world.users["facilitator_a"].pk),
        )
    assert list(error.value.errors) == ["owner_id"]
    concern, _ = concerns.record_concern(
        actor=world.users["hv_a"], family=family, data=data(owner_id=world.users["manager_a"].pk)
    )
    assert concern.owner == world.users["manager_a"]


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("hv_a", True),
        ("manager_a", True),
        ("hv_a2", False),
        ("facilitator_a", False),
        ("parent_a", False),
        ("manager_b", False),
        ("admin", False),
    ],
)
def test_who_may_record(world: World, who: str, may: bool) -> None:
    if may:
        concerns.record_concern(actor=world.users[who], family=world.families["a1"], data=data())
    else:
        with pytest.raises(DomainError):
            concerns.record_concern(
                actor=world.users[who], family=world.families["a1"], data=data()
            )
    assert SafeguardingConcern.objects.exists() is may


def concern_body(**changes: Any) -> dict[str, Any]:
    """A concern as an API client sends it."""
    return {
        "id": str(uuid.uuid4()),
        "seen": "Red marks on the back.",
        "regions": ["back_back"],
        "action": "Told the HV lead.",
        "informed": "HV lead",
        "review_on": str(timezone.localdate() + timedelta(days=3)),
        **changes,
    }


def test_concerns_through_the_api(world: World) -> None:
    family = world.families["a1"]
    body = concern_body(facilitator_instruction="Let the HV know if the family does not come.")
    url = f"/api/v1/families/{family.pk}/concerns"
    facilitator = api_client_for(world.users["facilitator_a"])
    assert facilitator.post(url, body, content_type="application/json").status_code == 404
    hv = api_client_for(world.users["hv_a"])
    created = hv.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["regions"] == [{"code": "back_back", "side": "back", "label": "Back"}]
    assert hv.post(url, body, content_type="application/json").status_code == 200
    bad = hv.post(url, {**body, "id": str(uuid.uuid4()), "regions": ["nose"]},
                  content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "regions"
    [listed] = hv.get(url).json()
    assert listed["owner"] == "Hv_A" and listed["seen"] == "Red marks on the back."


def test_the_body_map_has_front_and_back() -> None:
    codes = [region.code for region in bodymap.REGIONS]
    assert len(codes) == len(set(codes))
    sides = {side: {r.code.split("_", 1)[1] for r in bodymap.REGIONS if r.side == side}
             for side in ("front", "back")}  # fmt: skip
    assert {"head", "face", "neck", "chest", "tummy", "nappy_area", "left_hand"} <= sides["front"]
    assert {"head", "back", "buttocks", "right_leg", "left_foot"} <= sides["back"]
    assert bodymap.label_of("back_buttocks") == "Buttocks (back)"


# --- Staff notifications -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["safety_alert", "safety_alert_escalated"])
def test_staff_messages_carry_no_clinical_detail(world: World, kind: str) -> None:
    hv = world.users["hv_a"]
    message = to_staff(user=hv, kind=kind, dedupe=f"{kind}:test", provider_id=world.provider_a.pk)
    assert message is not None and KINDS[kind].urgent and message.urgent
    assert (message.channel, message.to_address, message.family) == (
        Channel.EMAIL,
        "hv_a@example.org",
        None,
    )
    assert message.send_after == message.next_attempt_at  # urgent: no quiet hours
    assert (
        message.body_text.startswith("Hello Hv_A,")
        and "http://127.0.0.1:8000/" in message.body_text
    )
    assert "<title>" in message.body_html
    words = " ".join([message.subject, message.body_text, message.body_html]).lower()
    for banned in ("phq", "epds", "score", "self-harm", "harm", "depress", "mood", "example"):
        assert banned not in words, banned
    again = to_staff(user=hv, kind=kind, dedupe=f"{kind}:test", provider_id=world.provider_a.pk)
    assert again is None and Message.objects.filter(kind=kind).count() == 1


def test_no_message_without_an_address_or_to_someone_who_left(world: World) -> None:
    quiet = factories.make_user("quiet", email="")
    assert to_staff(user=quiet, kind="safety_alert", dedupe="x") is None
    gone = factories.make_user("gone")
    gone.is_active = False
    assert to_staff(user=gone, kind="safety_alert", dedupe="y") is None
