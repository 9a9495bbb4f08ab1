"""Loading the curriculum: idempotent, updates by slug, versioned, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import models

from nurture.audit.models import AuditEvent
from nurture.curriculum import loader, services
from nurture.curriculum.models import (
    BodyArea,
    Ritual,
    Routine,
    RoutineStep,
    Stroke,
    WeekPlan,
)
from tests.curriculum.conftest import replace_in

pytestmark = pytest.mark.django_db
MODELS: tuple[type[models.Model], ...] = (BodyArea, Stroke, Ritual, Routine, RoutineStep, WeekPlan)


def rows() -> dict[str, list[dict[str, object]]]:
    """Every row of every curriculum table (and how many audit events there are)."""
    found: dict[str, list[dict[str, object]]] = {
        model.__name__: list(model._default_manager.order_by("pk").values()) for model in MODELS
    }
    found["AuditEvent"] = [{"count": AuditEvent.objects.count()}]
    return found


def test_loading_twice_gives_the_same_rows(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_curriculum")
    first = rows()
    assert "created" in capsys.readouterr().out
    call_command("load_curriculum")
    assert rows() == first
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_first_load_creates_everything_with_its_version(curriculum: services.LoadResult) -> None:
    assert curriculum.created == (
        BodyArea.objects.count()
        + Stroke.objects.count()
        + Ritual.objects.count()
        + Routine.objects.count()
        + WeekPlan.objects.count()
    )
    assert BodyArea.objects.count() == 7
    for model in (BodyArea, Stroke, Ritual, Routine, WeekPlan):
        assert set(model.objects.values_list("version", flat=True)) == {curriculum.version}
    assert AuditEvent.objects.filter(action="curriculum.stroke.created").count() == (
        Stroke.objects.count()
    )
    assert [a.slug for a in BodyArea.objects.all()][:2] == ["legs-and-feet", "tummy"]


def test_routines_are_stored_as_ordered_steps(curriculum: services.LoadResult) -> None:
    colic = Routine.objects.get(slug="colic-relief")
    steps = list(colic.steps.select_related("stroke", "ritual"))
    assert [s.position for s in steps] == [1, 2, 3, 4, 5]
    assert steps[0].ritual is not None and steps[0].ritual.slug == "resting-hands"
    assert steps[1].stroke is not None and steps[1].stroke.slug == "tummy-water-wheel"
    assert (steps[2].repetitions, steps[2].hold_seconds) == (1, 5)
    assert (colic.repeat_cycles, colic.times_per_day) == (3, 2)
    legs = Routine.objects.get(slug="legs-and-feet-only")
    assert legs.area is not None and legs.area.slug == "legs-and-feet"
    assert legs.steps.filter(stroke__isnull=False).count() == legs.area.strokes.count()


def test_changed_files_update_rows_by_slug(curriculum: services.LoadResult, data_dir: Path) -> None:
    stroke = Stroke.objects.get(slug="tummy-sun-and-moon")
    plan = WeekPlan.objects.get(slug="five-week")
    replace_in(data_dir / "curriculum.toml", 'version = "1.0"', 'version = "1.1"')
    replace_in(
        data_dir / "areas/02-tummy.toml", 'name = "Sun and moon"', 'name = "Sun and moon circles"'
    )
    replace_in(
        data_dir / "routines.toml",
        '{ stroke = "tummy-sun-and-moon", repetitions = 6 }',
        '{ stroke = "tummy-sun-and-moon", repetitions = 8 }',
    )
    result = services.load_curriculum(actor=None, content=loader.read_content(data_dir))
    assert result.created == 0
    stroke.refresh_from_db()
    assert (stroke.name, stroke.version) == ("Sun and moon circles", "1.1")
    assert WeekPlan.objects.get(slug="five-week").pk == plan.pk
    colic_step = RoutineStep.objects.get(routine__slug="colic-relief", position=4)
    assert colic_step.repetitions == 8
    assert AuditEvent.objects.filter(
        action="curriculum.stroke.updated", object_id=str(stroke.pk), data__version="1.1"
    ).exists()


def test_a_change_to_routine_steps_alone_marks_the_routine_updated(
    curriculum: services.LoadResult, data_dir: Path
) -> None:
    replace_in(
        data_dir / "routines.toml",
        '"stroke:back-swooping",\n',
        "",
    )
    bedtime = Routine.objects.get(slug="bedtime")
    before = bedtime.steps.count()
    result = services.load_curriculum(actor=None, content=loader.read_content(data_dir))
    assert result.updated == 1
    assert bedtime.steps.count() == before - 1
    assert AuditEvent.objects.filter(
        action="curriculum.routine.updated", object_id=str(bedtime.pk)
    ).exists()


def test_loading_again_puts_back_admin_edits_to_shipped_rows(
    curriculum: services.LoadResult,
) -> None:
    Ritual.objects.filter(slug="resting-hands").update(name="Edited")
    result = services.load_curriculum(actor=None, content=loader.read_content())
    assert result.updated == 1
    assert Ritual.objects.get(slug="resting-hands").name == "Resting hands"


def test_rows_removed_from_the_files_are_kept_and_reported(
    curriculum: services.LoadResult, data_dir: Path
) -> None:
    (data_dir / "week_plans/four-week.toml").unlink()
    result = services.load_curriculum(actor=None, content=loader.read_content(data_dir))
    assert result.not_in_data == ["week plan four-week"]
    assert WeekPlan.objects.filter(slug="four-week").exists()


def test_the_shipped_default_plan_can_move(curriculum: services.LoadResult, data_dir: Path) -> None:
    replace_in(data_dir / "week_plans/five-week.toml", "default = true", "default = false")
    replace_in(data_dir / "week_plans/four-week.toml", "default = false", "default = true")
    services.load_curriculum(actor=None, content=loader.read_content(data_dir))
    assert WeekPlan.objects.get(provider=None, is_default_for_provider=True).slug == "four-week"


def test_a_broken_file_writes_nothing(data_dir: Path) -> None:
    replace_in(data_dir / "areas/06-back.toml", 'slug = "back-combing"', 'slug = ""')
    with pytest.raises(Exception, match=r"areas/06-back.toml: stroke\[5\].slug"):
        call_command("load_curriculum", "--data-dir", str(data_dir))
    assert not BodyArea.objects.exists()
