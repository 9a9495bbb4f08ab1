"""The reach section against a hand-built set of referrals with known answers.

Provider A, 1 January to 31 March 2025: 14 referrals from 13 families (the first family is
referred twice). Left out: one a minute before the range, one at the start of 1 April, a
duplicate, and one of Provider B's.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nurture import policy
from nurture.families.models import Family
from nurture.reports.filters import ReportFilters
from nurture.reports.sections.reach import by_district, reach_section
from nurture.reports.tables import SUPPRESSED
from tests.conftest import World
from tests.reports import report_data as data
from tests.reports.report_data import at

# (postcode, carers' languages, first carer needs an interpreter)
FAMILIES = [
    ("RT1 1AA", ["en"], False),
    ("rt1 2bb", ["en"], False),
    (" RT1 3CC", ["en"], False),
    ("RT13DD", ["en"], False),
    ("RT1 4EE", ["en"], False),
    ("RT1 5FF", ["en", "pl"], False),
    ("RT2 1AA", ["pl", "pl"], True),
    ("RT2 2AA", ["pl"], True),
    ("RT2 3AA", ["pl"], True),
    ("XY9 9ZZ", ["pl"], True),
    ("AB101AA", ["ur"], True),
    ("", ["so"], False),
    ("  ", ["en"], False),
]
BORN = date(2025, 1, 1)
# Per referral: gestation weeks, or ("due", days from birth to due date), or None.
GESTATION: list[Any] = [36, 36, 30, ("due", 22), ("due", 22), 37, 37, ("due", 21), 40]
GESTATION += [None] * 5
REASONS = [["low_mood", "first_time"]] * 7 + [["first_time"]] * 5 + [["bonding", "other"], []]


def _filters(first: date = date(2025, 1, 1), last: date = date(2025, 3, 31), **cut: Any) -> Any:
    return ReportFilters(date_from=first, date_to=last, **cut)


@pytest.fixture
def reach_world(world: World) -> dict[str, Any]:
    a = world.provider_a
    homes = [
        data.family(a, postcode=postcode, languages=languages, interpreter=interpreter)
        for postcode, languages, interpreter in FAMILIES
    ]
    whose = [homes[0], *homes]
    received = [at(2025, 2, 1 + index) for index in range(12)]
    received += [at(2025, 1, 1, 0, 0), at(2025, 3, 31, 23, 59)]
    made = []
    for index, home in enumerate(whose):
        gestation = GESTATION[index]
        extra: dict[str, Any] = {"born": BORN}
        if isinstance(gestation, int):
            extra["gestation_weeks"] = gestation
        elif gestation is not None:
            extra["due"] = BORN + timedelta(days=gestation[1])
        made.append(
            data.referral(
                a,
                received=received[index],
                to_family=home,
                reasons=REASONS[index],
                priority="high" if index < 4 else "routine",
                **extra,
            )
        )
    # Left out.
    stray = data.family(a, postcode="ZZ1 1ZZ", languages=["ar"], interpreter=True)
    data.referral(a, received=at(2024, 12, 31, 23, 59), to_family=stray, priority="high")
    data.referral(a, received=at(2025, 4, 1, 0, 0), to_family=stray, priority="high")
    data.referral(a, received=at(2025, 2, 1), to_family=stray, duplicate_of=made[0])
    other = data.family(world.provider_b, postcode="RT1 9ZZ", languages=["ar"], interpreter=True)
    data.referral(world.provider_b, received=at(2025, 2, 1), to_family=other, gestation_weeks=30)
    run_1 = data.run(a, world.venue_a, first=at(2025, 3, 3, 10))
    data.offer(run_1, made[0], offered=at(2025, 2, 20))
    return {"run_1": run_1, "referrals": made}


def _scope(world: World, who: str = "manager_a") -> policy.ReportScope:
    scope = policy.programme_report_scope(world.admin if who == "admin" else world.users[who])
    assert scope is not None
    return scope


def _rows(section: Any, table: str) -> dict[str, tuple[Any, Any]]:
    return _rows_of(section.table(table))


def _rows_of(table: Any) -> dict[str, tuple[Any, Any]]:
    label = table.columns[0].key
    count = table.columns[1].key
    return {row[label]: (row[count], row["share"]) for row in table.rows}


def test_reasons(world: World, reach_world: dict[str, Any]) -> None:
    section = reach_section(_scope(world), _filters())
    assert section.key == "reach"
    assert _rows(section, "reasons") == {
        "Low mood, or at risk of postnatal depression": (7, 50.0),
        "Difficulty bonding": (SUPPRESSED, SUPPRESSED),
        "Unsettled baby, colic or wind": (0, 0.0),
        "Born early, or stayed in a neonatal unit": (0, 0.0),
        "First-time parent": (12, 85.7),
        "Socially isolated": (0, 0.0),
        "Other (say what)": (SUPPRESSED, SUPPRESSED),
        "Not recorded": (SUPPRESSED, SUPPRESSED),
    }
    chart = section.table("reasons").chart
    assert chart is not None and "12 (85.7%)" in chart and "&lt;5" in chart


def test_priority(world: World, reach_world: dict[str, Any]) -> None:
    # 10 routine and 4 high of 14. Showing the 10 (or its 71.4%) would give the 4 away, as
    # 14 less 10 or 100% less 71.4%: with two priorities, both are hidden.
    table = reach_section(_scope(world), _filters()).table("priority")
    assert _rows_of(table) == {
        "Routine": (SUPPRESSED, SUPPRESSED),
        "High": (SUPPRESSED, SUPPRESSED),
    }
    assert table.chart is not None and "Routine: &lt;5; High: &lt;5." in table.chart
    assert "next smallest is hidden too" in table.definition


def test_born_early(world: World, reach_world: dict[str, Any]) -> None:
    # 36, 36 and 30 weeks, and two born 22 days before their due date: early. 37 weeks
    # and 21 days before the due date are not.
    # 5 early, 4 at 37 weeks or later, 5 not recorded, of 14. The 4 is hidden, and so is the
    # next smallest (the first of the two fives), so 14 - 5 - 5 cannot be worked out.
    table = reach_section(_scope(world), _filters()).table("gestation")
    assert _rows_of(table) == {
        "Born before 37 weeks": (SUPPRESSED, SUPPRESSED),
        "Born at 37 weeks or later": (SUPPRESSED, SUPPRESSED),
        "Not recorded": (5, 35.7),
    }
    assert table.chart is not None
    assert "Born before 37 weeks: &lt;5; Born at 37 weeks or later: &lt;5" in table.chart


def test_languages_count_each_family_once(world: World, reach_world: dict[str, Any]) -> None:
    table = reach_section(_scope(world), _filters()).table("language")
    assert [(row["language"], row["families"], row["share"]) for row in table.rows] == [
        ("English", 7, 53.8),
        ("Polish", 5, 38.5),
        ("Somali", SUPPRESSED, SUPPRESSED),
        ("Urdu", SUPPRESSED, SUPPRESSED),
        ("Needs an interpreter", 5, 38.5),
    ]


def test_postcode_districts(world: World, reach_world: dict[str, Any]) -> None:
    families = Family.objects.filter(pk__in=[r.family_id for r in reach_world["referrals"]])
    assert {row["district"]: row["families"] for row in by_district(families)} == {
        "RT1": 6,
        "RT2": 3,
        "XY9": 1,
        "AB10": 1,
        "Not recorded": 2,
    }
    table = reach_section(_scope(world), _filters()).table("district")
    # RT2 (3), XY9 (1) and AB10 (1) together are 5 "other"; 2 not recorded, of 13. With
    # the 2 hidden alone it would be 13 - 6 - 5: the next smallest (the other districts) is
    # hidden too.
    assert [(row["district"], row["families"], row["share"]) for row in table.rows] == [
        ("RT1", 6, 46.2),
        ("Other districts (each fewer than 5)", SUPPRESSED, SUPPRESSED),
        ("Not recorded", SUPPRESSED, SUPPRESSED),
    ]
    assert table.chart is not None and "RT2" not in table.chart


def test_range_edges_and_scope(world: World, reach_world: dict[str, Any]) -> None:
    one_day = reach_section(_scope(world), _filters(date(2025, 1, 1), date(2025, 1, 1)))
    # 00:00 on 1 January only: one referral, and no share is shown out of fewer than 5.
    assert _rows(one_day, "priority") == {
        "Routine": (SUPPRESSED, SUPPRESSED),
        "High": (0, SUPPRESSED),
    }
    wider = reach_section(_scope(world), _filters(date(2024, 12, 31), date(2025, 4, 1)))
    assert _rows(wider, "priority")["High"] == (6, 37.5)  # 4 + the two strays, of 16
    admin = reach_section(_scope(world, "admin"), _filters())
    assert _rows(admin, "gestation")["Born before 37 weeks"] == (6, 40.0)
    other = reach_section(_scope(world, "manager_b"), _filters())
    assert _rows(other, "language") == {
        "Arabic": (SUPPRESSED, SUPPRESSED),
        "Needs an interpreter": (SUPPRESSED, SUPPRESSED),
    }


def test_course_filter(world: World, reach_world: dict[str, Any]) -> None:
    section = reach_section(_scope(world), _filters(venue_id=world.venue_a.pk))
    assert _rows(section, "priority") == {
        "Routine": (0, SUPPRESSED),
        "High": (SUPPRESSED, SUPPRESSED),
    }
    assert all("matching course" in table.notes[0] for table in section.tables)


def test_query_count_does_not_grow(world: World, reach_world: dict[str, Any]) -> None:
    scope, filters = _scope(world), _filters()
    with CaptureQueriesContext(connection) as before:
        reach_section(scope, filters)
    for day in range(1, 21):
        home = data.family(world.provider_a, postcode=f"QQ{day} 1AA", languages=["cy", "en"])
        data.referral(world.provider_a, received=at(2025, 3, day), to_family=home)
    with CaptureQueriesContext(connection) as after:
        section = reach_section(scope, filters)
    # 25 of 34 babies' gestation not recorded (the 4 and 5 above it are hidden).
    assert _rows(section, "gestation")["Not recorded"] == (25, 73.5)
    assert len(after.captured_queries) == len(before.captured_queries) <= 4
