"""The diary: one tap per entry, every carer can log, the same id stores once."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from nurture.audit.models import AuditEvent
from nurture.families.models import Baby
from nurture.lib.errors import DomainError
from nurture.practice import selectors, services
from nurture.practice.models import DiaryEntry
from tests.conftest import World

pytestmark = pytest.mark.django_db


def entry(kind: str = "mood", **values: Any) -> services.DiaryData:
    defaults: dict[str, Any] = {"mood": 2} if kind == "mood" else {}
    defaults.update(values)
    return services.DiaryData(id=uuid.uuid4(), date=timezone.localdate(), kind=kind, **defaults)


def baby_of(world: World) -> Baby:
    return world.families["a1"].babies.select_related("family").get()


def test_the_same_entry_twice_stores_once(world: World) -> None:
    data = entry("sleep", night_sleep_hours=Decimal("6.5"), settling=4)
    parent = world.users["parent_a"]
    first, created = services.diary_add(actor=parent, baby=baby_of(world), data=data)
    again, created_again = services.diary_add(actor=parent, baby=baby_of(world), data=data)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk == data.id
    assert DiaryEntry.objects.count() == 1
    assert first.carer.user == parent


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (entry("mood", mood=6), "mood"),
        (entry("mood", mood=None), "mood"),
        (entry("tummy"), "tummy"),
        (entry("crying"), "crying_minutes"),
        (entry("sleep"), "night_sleep_hours"),
        (entry("sleep", settling=0), "settling"),
        (entry("feed", mood=3), "mood"),
        (entry("nappy"), "kind"),
    ],
)
def test_bad_entries_name_the_field(world: World, data: services.DiaryData, field: str) -> None:
    with pytest.raises(DomainError) as error:
        services.diary_add(actor=world.users["parent_a"], baby=baby_of(world), data=data)
    assert field in error.value.errors
    assert not DiaryEntry.objects.exists()


def test_feeds_are_optional_and_each_kind_stores(world: World) -> None:
    parent, baby = world.users["parent_a"], baby_of(world)
    for data in (
        entry("feed"),
        entry("feed", feeds=8),
        entry("tummy", tummy="colic"),
        entry("crying", crying_minutes=40),
        entry("mood", mood=5, note="A good day"),
    ):
        services.diary_add(actor=parent, baby=baby, data=data)
    assert selectors.diary_list(parent, baby).count() == 5
    assert selectors.diary_list(world.users["parent_b"], baby).count() == 0


def test_audit_holds_neither_mood_nor_notes(world: World) -> None:
    services.diary_add(
        actor=world.users["parent_a"],
        baby=baby_of(world),
        data=entry("mood", mood=1, note="Feeling very low today"),
    )
    event = AuditEvent.objects.get(action="diary_entry.added")
    assert set(event.data) == {"baby", "kind", "date"}
    assert "low" not in str(event.data)


def test_staff_and_other_families_cannot_log(world: World) -> None:
    for user in ("hv_a", "manager_a", "facilitator_a", "admin", "parent_a2"):
        with pytest.raises(DomainError):
            services.diary_add(actor=world.users[user], baby=baby_of(world), data=entry())
    assert not DiaryEntry.objects.exists()


def test_an_id_of_another_baby_is_refused(world: World) -> None:
    data = entry()
    services.diary_add(actor=world.users["parent_a"], baby=baby_of(world), data=data)
    other = world.families["b1"].babies.select_related("family").get()
    with pytest.raises(DomainError) as error:
        services.diary_add(actor=world.users["parent_b"], baby=other, data=data)
    assert list(error.value.errors) == ["id"]
