"""Fixtures for outcomes tests: a synthetic EPDS pack (placeholder wording: the real item text
must never be in this repository), a family on a course, and quick answer helpers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from nurture.allocation import places
from nurture.courses.models import CourseRun, Enrolment, Offer, OfferStatus
from nurture.families.models import Carer, Family
from nurture.outcomes.models import TimePoint
from nurture.questionnaires import config, packs, services
from nurture.questionnaires.instruments import Instrument
from tests import factories
from tests.conftest import World

EPDS_REVERSED = (3, 5, 6, 7, 8, 9, 10)


def epds_text(
    *,
    items: int = 10,
    reverse: Sequence[int] = EPDS_REVERSED,
    safety: Sequence[int] = (10,),
    threshold: int | None = 13,
    scores: Sequence[int] = (0, 1, 2, 3),
    scale_max: int = 3,
    version: str = "1",
    online_only: bool = True,
) -> str:
    """A pack with the EPDS's structure and placeholder text ("Synthetic item 1", ...)."""
    options = ", ".join(f'{{ label = "Synthetic option {s}", score = {s} }}' for s in scores)
    lines = [
        'key = "epds"',
        f'version = "{version}"',
        'name = "Synthetic EPDS (test)"',
        'licence = "Test data only."',
        'citation = "None: synthetic."',
        'recall = "Synthetic recall period."',
        f"online_only = {'true' if online_only else 'false'}",
        f"reverse_scored = [{', '.join(map(str, reverse))}]",
        f"safety_items = [{', '.join(map(str, safety))}]",
    ]
    if threshold is not None:
        lines.append(f"referral_threshold = {threshold}")
    lines += ["", "[scale]", "min = 0", f"max = {scale_max}"]
    for number in range(1, items + 1):
        lines += [
            "",
            "[[item]]",
            f"number = {number}",
            f'text = "Synthetic item {number}"',
            f"options = [{options}]",
        ]
    return "\n".join(lines) + "\n"


def install(directory: Path, settings: Any, files: dict[str, str]) -> packs.Registry:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    settings.NURTURE_LICENSED_PACKS_DIR = directory
    return packs.reload()


@pytest.fixture
def restore_packs(settings: Any) -> Iterator[None]:
    """Load the packs again without any licensed ones after the test."""
    yield
    settings.NURTURE_LICENSED_PACKS_DIR = None
    packs.reload()


@pytest.fixture
def epds(tmp_path: Path, settings: Any, restore_packs: None) -> Instrument:
    """The synthetic EPDS, installed as a provider would (from a licensed packs directory)."""
    registry = install(tmp_path / "licensed", settings, {"epds-1.toml": epds_text()})
    found = registry.get("epds", "1")
    assert found is not None
    return found


def phq9() -> Instrument:
    found = packs.registry().get("phq9", "1")
    assert found is not None
    return found


@dataclass
class Course:
    world: World
    run: CourseRun
    enrolment: Enrolment
    family: Family
    carer: Carer


def enrol_family(world: World, family: Family, run: CourseRun) -> Enrolment:
    referral = factories.make_referral(family.babies.get(), actor=family.health_visitor)
    offer = Offer.objects.filter(run=run, referral=referral, status=OfferStatus.PENDING).first()
    if offer is None:
        offer = places.offer_place(actor=None, run=run, referral=referral)
    return places.accept_offer(actor=None, offer=offer)


@pytest.fixture
def course(world: World) -> Course:
    """Family a1 (parent_a) on a run facilitated by facilitator_a, first session in 14 days."""
    run = factories.make_run(
        world.provider_a, venue=world.venue_a, facilitators=[world.users["facilitator_a"]]
    )
    family = world.families["a1"]
    enrolment = enrol_family(world, family, run)
    return Course(world, run, enrolment, family, family.carers.get())


def make_duty_clinician(world: World, who: str) -> None:
    config.settings_update(
        actor=world.users["manager_a"],
        provider=world.provider_a,
        data=config.SettingsData(duty_clinician_id=world.users[who].pk),
    )


def answers(values: Sequence[int]) -> dict[str, int]:
    """{"1": values[0], ...}"""
    return {str(number): value for number, value in enumerate(values, start=1)}


def submit(
    course: Course,
    values: Sequence[int],
    *,
    instrument: str = "phq9",
    point: str = TimePoint.BASELINE,
    actor: Any = None,
    client_id: uuid.UUID | None = None,
) -> services.Submission:
    return services.submit_response(
        actor=actor or course.world.users["parent_a"],
        carer=course.carer,
        instrument_key=instrument,
        version="1",
        answers=answers(values),
        client_id=client_id or uuid.uuid4(),
        point=point,
        enrolment=course.enrolment,
    )
