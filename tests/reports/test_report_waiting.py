"""The waiting list section against a hand-built history with known answers.

Provider A. Run 1 (Venue A, facilitator_a) and run 2 (Venue 2). "On" means the referral
joined the list (eligible, then waiting), "off" that it left it.

- r1-r8 on 10 Dec 2024 (r8 on 20 Dec); q on 15 Nov, offered 20 Dec (run 2), declined 22 Dec
  (back on); p on 1 Nov, offered 1 Dec, enrolled 5 Dec. At 1 Jan: 9 on the list.
- 15 Jan: r1-r3 offered (run 1; off). r1 accepts; r2 declines 20 Jan (on); r3's offer expires
  25 Jan (on), r3 withdraws 10 Feb (off).
- 31 Jan 23:30: n1-n4 on. n1 not eligible 28 Feb 23:59 (off). q offered 5 Feb (run 1; off).
- x1-x5 on 1 Mar, offered 11 Mar (run 1), accepted (on and off in March).
- n2 offered 00:30 on 1 Apr, British Summer Time (run 2; off): an April offer.
- 10 May: r4-r8 offered (run 1: r4, r5 accepted, r6 declined, r7 filled, r8 pending) and
  r2 offered again (run 2, pending): all off.

Month ends, January to June: 12, 9, 9, 8, 2, 2. Provider B and a duplicate are left out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nurture import policy
from nurture.reports.filters import ReportFilters
from nurture.reports.sections.waiting import periods, waiting_section
from nurture.reports.tables import SUPPRESSED
from tests import factories
from tests.conftest import World
from tests.reports import report_data as data
from tests.reports.report_data import at


def _filters(first: date = date(2025, 1, 1), last: date = date(2025, 6, 30), **cut: Any) -> Any:
    return ReportFilters(date_from=first, date_to=last, **cut)


def _on(when: Any) -> list[tuple[str, Any]]:
    return [("eligible", when), ("waiting", when)]


@pytest.fixture
def waiting_world(world: World) -> dict[str, Any]:
    a, b = world.provider_a, world.provider_b
    run_1 = data.run(
        a, world.venue_a, first=at(2025, 6, 2, 10), facilitators=[world.users["facilitator_a"]]
    )
    run_2 = data.run(a, factories.make_venue(a, "Venue 2"), first=at(2025, 6, 9, 10))
    jan15, may10 = at(2025, 1, 15), at(2025, 5, 10)

    def refer(provider: Any, steps: list[tuple[str, Any]], **extra: Any) -> Any:
        return data.referral(provider, received=steps[0][1], history=steps, **extra)

    r = {}
    r[1] = refer(a, [*_on(at(2024, 12, 10)), ("offered", jan15), ("enrolled", at(2025, 1, 16))])
    r[2] = refer(
        a,
        [
            *_on(at(2024, 12, 10)),
            ("offered", jan15),
            ("waiting", at(2025, 1, 20)),
            ("offered", may10),
        ],
    )
    r[3] = refer(
        a,
        [
            *_on(at(2024, 12, 10)),
            ("offered", jan15),
            ("waiting", at(2025, 1, 25)),
            ("withdrawn", at(2025, 2, 10)),
        ],
    )
    for n in (4, 5, 6, 7):
        r[n] = refer(a, [*_on(at(2024, 12, 10)), ("offered", may10)])
    r[8] = refer(a, [*_on(at(2024, 12, 20)), ("offered", may10)])
    q = refer(
        a,
        [
            *_on(at(2024, 11, 15)),
            ("offered", at(2024, 12, 20)),
            ("waiting", at(2024, 12, 22)),
            ("offered", at(2025, 2, 5)),
        ],
    )
    p = refer(
        a, [*_on(at(2024, 11, 1)), ("offered", at(2024, 12, 1)), ("enrolled", at(2024, 12, 5))]
    )
    late_jan = at(2025, 1, 31, 23, 30)
    n1 = refer(a, [*_on(late_jan), ("not_eligible", at(2025, 2, 28, 23, 59))])
    n2 = refer(a, [*_on(late_jan), ("offered", at(2025, 4, 1, 0, 30))])
    refer(a, _on(late_jan))
    refer(a, _on(late_jan))
    assert n1
    xs = [
        refer(
            a, [*_on(at(2025, 3, 1)), ("offered", at(2025, 3, 11)), ("enrolled", at(2025, 3, 12))]
        )
        for _ in range(5)
    ]
    # Offers.
    data.offer(run_1, r[1], offered=jan15, status="accepted")
    data.offer(run_1, r[2], offered=jan15, status="declined")
    data.offer(run_1, r[3], offered=jan15, status="expired")
    data.offer(run_2, q, offered=at(2024, 12, 20), status="declined")
    data.offer(run_1, q, offered=at(2025, 2, 5))
    data.offer(run_1, p, offered=at(2024, 12, 1), status="accepted")
    for x in xs:
        data.offer(run_1, x, offered=at(2025, 3, 11), status="accepted")
    data.offer(run_2, n2, offered=at(2025, 4, 1, 0, 30), status="withdrawn")
    for n, status in (
        (4, "accepted"),
        (5, "accepted"),
        (6, "declined"),
        (7, "filled"),
        (8, "pending"),
    ):
        data.offer(run_1, r[n], offered=may10, status=status)
    data.offer(run_2, r[2], offered=may10)
    # Left out for Provider A: a duplicate on the list, and Provider B's families.
    refer(a, _on(at(2025, 1, 10)), duplicate_of=r[1])
    run_b = data.run(b, world.venue_b, first=at(2025, 6, 2, 10))
    b1 = refer(b, [*_on(at(2025, 1, 10)), ("offered", at(2025, 1, 12))])
    data.offer(run_b, b1, offered=at(2025, 1, 12), status="accepted")
    refer(b, _on(at(2025, 1, 10)))
    return {"run_1": run_1, "run_2": run_2}


def _scope(world: World, who: str = "manager_a") -> policy.ReportScope:
    scope = policy.programme_report_scope(world.admin if who == "admin" else world.users[who])
    assert scope is not None
    return scope


def _sizes(section: Any) -> list[Any]:
    return [row["families"] for row in section.table("list-size").rows]


def test_list_size_at_each_month_end(world: World, waiting_world: dict[str, Any]) -> None:
    section = waiting_section(_scope(world), _filters())
    assert section.key == "waiting"
    table = section.table("list-size")
    assert [row["period"] for row in table.rows] == [
        "Jan 2025",
        "Feb 2025",
        "Mar 2025",
        "Apr 2025",
        "May 2025",
        "Jun 2025",
    ]
    assert [row["date"] for row in table.rows][:2] == ["2025-01-31", "2025-02-28"]
    assert _sizes(section) == [12, 9, 9, 8, SUPPRESSED, SUPPRESSED]
    assert table.chart is not None and "Jun 2025: &lt;5" in table.chart


def test_list_size_the_last_month_ends_with_the_range(world: World, waiting_world: Any) -> None:
    section = waiting_section(_scope(world), _filters(date(2024, 11, 20), date(2025, 2, 27)))
    rows = section.table("list-size").rows
    # p and q at 30 Nov; 9 at 31 Dec; the range ends before n1 leaves on 28 Feb.
    assert [(row["date"], row["families"]) for row in rows] == [
        ("2024-11-30", SUPPRESSED),
        ("2024-12-31", 9),
        ("2025-01-31", 12),
        ("2025-02-27", 10),
    ]


def test_list_size_week_by_week(world: World, waiting_world: dict[str, Any]) -> None:
    section = waiting_section(_scope(world), _filters(date(2025, 1, 6), date(2025, 2, 9)))
    rows = section.table("list-size").rows
    assert [row["period"] for row in rows] == ["12 Jan", "19 Jan", "26 Jan", "2 Feb", "9 Feb"]
    assert _sizes(section) == [9, 6, 8, 12, 11]
    # A range starting mid-week: its first week counts from its first day.
    section = waiting_section(_scope(world), _filters(date(2025, 1, 15), date(2025, 2, 2)))
    assert _sizes(section) == [6, 8, 12]


def test_periods_switch_to_months_after_13_weeks() -> None:
    assert len(periods(_filters(date(2025, 1, 6), date(2025, 4, 6)))) == 13  # 91 days: weeks
    assert len(periods(_filters(date(2025, 1, 6), date(2025, 4, 7)))) == 4  # 92 days: months


def test_list_size_scope(world: World, waiting_world: dict[str, Any]) -> None:
    assert _sizes(waiting_section(_scope(world, "admin"), _filters()))[0] == 13
    assert _sizes(waiting_section(_scope(world, "manager_b"), _filters()))[0] == SUPPRESSED


def test_waiting_time_by_month_of_first_offer(world: World, waiting_world: Any) -> None:
    rows = {
        row["month"]: row
        for row in waiting_section(_scope(world), _filters()).table("waiting-time").rows
    }
    assert rows["Jan 2025"] == {
        "month": "Jan 2025",
        "referrals": SUPPRESSED,
        "mean_days": SUPPRESSED,
    }
    # q's offer in February was not its first.
    assert rows["Feb 2025"] == {"month": "Feb 2025", "referrals": 0, "mean_days": None}
    assert rows["Mar 2025"] == {"month": "Mar 2025", "referrals": 5, "mean_days": 10.0}
    assert rows["Apr 2025"]["referrals"] == SUPPRESSED  # n2, at 00:30 on 1 April (BST)
    # r4-r7 waited 151 days less an hour (clocks changed), r8 141 less an hour; r2's May
    # offer was not its first.
    assert rows["May 2025"] == {"month": "May 2025", "referrals": 5, "mean_days": 149.0}
    assert rows["Jun 2025"]["referrals"] == 0


def test_offers_by_outcome(world: World, waiting_world: dict[str, Any]) -> None:
    table = waiting_section(_scope(world), _filters()).table("offers")
    rows = {row["outcome"]: (row["offers"], row["share"]) for row in table.rows}
    assert rows == {
        "All offers made": (16, 100.0),
        "Accepted": (8, 50.0),
        "Declined": (SUPPRESSED, SUPPRESSED),
        "Expired without a reply": (SUPPRESSED, SUPPRESSED),
        "Withdrawn by the service": (SUPPRESSED, SUPPRESSED),
        "Place already taken": (SUPPRESSED, SUPPRESSED),
        "Still waiting for a reply": (SUPPRESSED, SUPPRESSED),
    }
    assert table.chart is not None and "8 (50%)" in table.chart


def test_a_lone_small_outcome_hides_the_next_smallest(
    world: World, waiting_world: dict[str, Any]
) -> None:
    """August: 6 accepted, 5 declined and 2 expired of 13. The 2 alone would be 13 - 6 - 5,
    so the 5 declined are hidden too; zeros stay zeros."""
    run_1 = waiting_world["run_1"]
    for count, status in ((6, "accepted"), (5, "declined"), (2, "expired")):
        for _ in range(count):
            who = data.referral(world.provider_a, received=at(2025, 7, 1))
            data.offer(run_1, who, offered=at(2025, 8, 4), status=status)
    table = waiting_section(_scope(world), _filters(date(2025, 8, 1), date(2025, 8, 31))).table(
        "offers"
    )
    assert [(row["outcome"], row["offers"], row["share"]) for row in table.rows] == [
        ("All offers made", 13, 100.0),
        ("Accepted", 6, 46.2),
        ("Declined", SUPPRESSED, SUPPRESSED),
        ("Expired without a reply", SUPPRESSED, SUPPRESSED),
        ("Withdrawn by the service", 0, 0.0),
        ("Place already taken", 0, 0.0),
        ("Still waiting for a reply", 0, 0.0),
    ]
    assert table.chart is not None
    assert "Accepted: 6 (46.2%); Declined: &lt;5; Expired without a reply: &lt;5;" in table.chart
    assert "All offers made" not in table.chart
    assert "next smallest is hidden too" in table.definition


def test_offers_range_edges(world: World, waiting_world: dict[str, Any]) -> None:
    # Just 1 April (BST): n2's offer at 00:30 is in; nothing else.
    table = waiting_section(_scope(world), _filters(date(2025, 4, 1), date(2025, 4, 1))).table(
        "offers"
    )
    assert table.rows[0]["offers"] == SUPPRESSED
    # One withdrawn offer, every other outcome zero: the total is that one, hidden too.
    assert [(row["offers"], row["share"]) for row in table.rows] == [
        (SUPPRESSED, SUPPRESSED),
        (0, SUPPRESSED),
        (0, SUPPRESSED),
        (0, SUPPRESSED),
        (SUPPRESSED, SUPPRESSED),
        (0, SUPPRESSED),
        (0, SUPPRESSED),
    ]
    table = waiting_section(_scope(world), _filters(date(2025, 3, 31), date(2025, 3, 31))).table(
        "offers"
    )
    assert table.rows[0]["offers"] == 0


@pytest.mark.parametrize("cut", ["venue", "facilitator", "run"])
def test_course_filters(world: World, waiting_world: dict[str, Any], cut: str) -> None:
    matching = {
        "venue": {"venue_id": world.venue_a.pk},
        "facilitator": {"facilitator_id": world.users["facilitator_a"].pk},
        "run": {"run_id": waiting_world["run_1"].pk},
    }[cut]
    section = waiting_section(_scope(world), _filters(**matching))
    assert [table.key for table in section.tables] == ["waiting-time", "offers"]
    assert "only without those filters" in section.tables[0].notes[0]
    offers = {row["outcome"]: (row["offers"], row["share"]) for row in section.table("offers").rows}
    assert offers["All offers made"] == (14, 100.0)
    assert offers["Accepted"] == (8, 57.1)
    waits = {row["month"]: row for row in section.table("waiting-time").rows}
    assert waits["Feb 2025"]["referrals"] == SUPPRESSED  # q's first offer on run 1
    assert waits["May 2025"]["mean_days"] == 149.0


def test_course_filter_on_the_other_run(world: World, waiting_world: dict[str, Any]) -> None:
    section = waiting_section(_scope(world), _filters(run_id=waiting_world["run_2"].pk))
    offers = {row["outcome"]: row["offers"] for row in section.table("offers").rows}
    assert offers["All offers made"] == SUPPRESSED  # n2 and r2's second offer
    waits = {row["month"]: row["referrals"] for row in section.table("waiting-time").rows}
    # r2's first offer on run 2 was in May.
    assert waits == {
        "Jan 2025": 0,
        "Feb 2025": 0,
        "Mar 2025": 0,
        "Apr 2025": SUPPRESSED,
        "May 2025": SUPPRESSED,
        "Jun 2025": 0,
    }


def test_query_count_does_not_grow(world: World, waiting_world: dict[str, Any]) -> None:
    scope, filters = _scope(world), _filters()
    with CaptureQueriesContext(connection) as before:
        waiting_section(scope, filters)
    for day in range(1, 21):
        more = data.referral(
            world.provider_a,
            received=at(2025, 2, day),
            history=[*_on(at(2025, 2, day)), ("offered", at(2025, 3, day))],
        )
        data.offer(waiting_world["run_1"], more, offered=at(2025, 3, day))
    with CaptureQueriesContext(connection) as after:
        section = waiting_section(scope, filters)
    assert _sizes(section)[1] == 29
    assert len(after.captured_queries) == len(before.captured_queries) <= 4
