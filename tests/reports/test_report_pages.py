"""The report page, its CSV files, the PDF and the report API: who gets what, filters checked
against the person's scope, files that parse, and a query count that does not grow with data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from nurture.courses.models import Attendance, AttendanceStatus, Enrolment
from nurture.referrals.models import Referral, Status
from nurture.reports import registry
from tests import factories
from tests.conftest import World, api_client_for, client_for, reauthenticated_client_for

pytestmark = pytest.mark.django_db


def _enrol(run: Any, family: Any, *, marks: list[str]) -> Enrolment:
    baby = family.babies.first()
    referral = Referral.objects.create(
        provider=run.provider,
        family=family,
        baby=baby,
        reasons=["first_time"],
        status=Status.ENROLLED,
    )
    enrolment = Enrolment.objects.create(run=run, referral=referral)
    sessions = list(run.sessions.order_by("number"))
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment=enrolment, status=mark)
        for session, mark in zip(sessions, marks, strict=False)
    )
    return enrolment


def _course(world: World, families: int, *, venue_name: str = "Oak Hall") -> Any:
    """A run of provider A that began a fortnight ago, facilitated by facilitator_a, with
    ``families`` families: each present at week 1 and did-not-attend at week 2."""
    venue = factories.make_venue(world.provider_a, venue_name)
    run = factories.make_run(
        world.provider_a, venue=venue, facilitators=[world.users["facilitator_a"]]
    )
    start = timezone.now() - timedelta(days=15)
    for number, session in enumerate(run.sessions.order_by("number")):
        session.starts_at = start + timedelta(weeks=number)
        session.save(update_fields=["starts_at"])
    run.first_session_at = start
    run.save(update_fields=["first_session_at"])
    for index in range(families):
        family = factories.make_family(world.provider_a, carer_name=f"Carer{index}")
        _enrol(run, family, marks=[AttendanceStatus.PRESENT, AttendanceStatus.DID_NOT_ATTEND])
    return run


# --- Who gets which report ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "sections"),
    [
        ("admin", 200, registry.PROGRAMME),
        ("manager_a", 200, registry.PROGRAMME),
        ("facilitator_a", 200, registry.FACILITATOR_SUMMARY),
        ("hv_a", 404, ()),
        ("parent_a", 404, ()),
    ],
)
def test_each_role_gets_its_report_or_a_404(
    world: World, who: str, status: int, sections: tuple[str, ...]
) -> None:
    _course(world, 6)
    response = client_for(world.users[who]).get("/reports/")
    assert response.status_code == status
    if status == 200:
        shown = [section.key for section in response.context["sections"]]
        assert shown == list(sections)
        for section in response.context["sections"]:
            for table in section.tables:
                assert table.definition, f"{section.key}/{table.key} has no definition"


def test_the_report_is_for_signed_in_people_only(world: World) -> None:
    response = factories_client().get("/reports/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def factories_client() -> Any:
    from django.test import Client

    return Client()


def test_reports_link_in_the_navigation_only_for_people_with_reports(world: World) -> None:
    links = lambda who: [  # noqa: E731
        link["label"] for link in client_for(world.users[who]).get("/").context["nav_links"]
    ]
    assert "Reports" in links("manager_a")
    assert "Reports" in links("facilitator_a")
    assert "Reports" not in links("hv_a")
    assert "Reports" not in links("parent_a")


def test_a_facilitator_sees_only_their_own_runs(world: World) -> None:
    _course(world, 6, venue_name="Mine")
    other = factories.make_run(
        world.provider_a, venue=factories.make_venue(world.provider_a, "Theirs")
    )
    response = client_for(world.users["facilitator_a"]).get("/reports/")
    page = response.content.decode()
    assert "Mine" in page
    assert "Theirs" not in page
    # Filtering by a run that is not theirs is an error, never a leak.
    response = client_for(world.users["facilitator_a"]).get("/reports/", {"run": str(other.pk)})
    assert response.status_code == 400
    assert "run" in response.context["form"].errors


# --- Filters --------------------------------------------------------------------------------


def test_another_providers_venue_is_a_form_error(world: World) -> None:
    response = client_for(world.users["manager_a"]).get(
        "/reports/", {"venue": str(world.venue_b.pk)}
    )
    assert response.status_code == 400
    assert "venue" in response.context["form"].errors
    assert response.context["sections"] == []


def test_dates_must_run_forwards(world: World) -> None:
    response = client_for(world.users["manager_a"]).get(
        "/reports/", {"date_from": "2026-05-01", "date_to": "2026-04-30"}
    )
    assert response.status_code == 400
    assert "date_to" in response.context["form"].errors


def test_not_a_date_is_a_form_error_not_a_500(world: World) -> None:
    response = client_for(world.users["manager_a"]).get("/reports/", {"date_from": "soon"})
    assert response.status_code == 400
    assert "date_from" in response.context["form"].errors


# --- CSV and PDF ----------------------------------------------------------------------------


def _csv_rows(response: Any) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_every_table_downloads_as_csv_that_parses(world: World) -> None:
    _course(world, 6)
    client = reauthenticated_client_for(world.users["manager_a"])
    sections = client.get("/reports/").context["sections"]
    assert sections
    for section in sections:
        for table in section.tables:
            response = client.get(f"/reports/{section.key}/{table.key}.csv")
            assert response.status_code == 200, (section.key, table.key)
            rows = _csv_rows(response)
            assert rows[0] == [column.label for column in table.columns]
            assert len(rows) == len(table.rows) + 1


def test_csv_quotes_text_a_spreadsheet_would_run(world: World) -> None:
    _course(world, 6, venue_name="=HYPERLINK(1)")
    client = reauthenticated_client_for(world.users["manager_a"])
    response = client.get("/reports/attendance/by_venue.csv")
    assert response.status_code == 200
    cells = [cell for row in _csv_rows(response) for cell in row]
    assert "'=HYPERLINK(1)" in cells
    assert "=HYPERLINK(1)" not in cells


def test_a_facilitator_cannot_download_the_programme_tables(world: World) -> None:
    _course(world, 6)
    client = reauthenticated_client_for(world.users["facilitator_a"])
    assert client.get("/reports/funnel/stages.csv").status_code == 404
    assert client.get("/reports/my_runs/no-such-table.csv").status_code == 404


def test_the_whole_report_prints_as_a_pdf(world: World) -> None:
    _course(world, 6)
    response = reauthenticated_client_for(world.users["manager_a"]).get("/reports/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for key in registry.PROGRAMME:
        assert registry.SECTIONS[key].title in text
    assert "How this is counted" in text


# --- API ------------------------------------------------------------------------------------


def test_api_lists_the_sections_each_person_may_read(world: World) -> None:
    manager = api_client_for(world.users["manager_a"]).get("/api/v1/reports").json()
    assert [s["key"] for s in manager["sections"]] == list(registry.PROGRAMME)
    facilitator = api_client_for(world.users["facilitator_a"]).get("/api/v1/reports").json()
    assert facilitator["summary_of_own_runs"] is True
    assert [s["key"] for s in facilitator["sections"]] == list(registry.FACILITATOR_SUMMARY)
    assert api_client_for(world.users["hv_a"]).get("/api/v1/reports").status_code == 404
    assert api_client_for(world.users["parent_a"]).get("/api/v1/reports").status_code == 404


def test_api_section_matches_the_page(world: World) -> None:
    _course(world, 6)
    client = api_client_for(world.users["manager_a"])
    body = client.get("/api/v1/reports/attendance").json()
    page = client_for(world.users["manager_a"]).get("/reports/").context["sections"]
    attendance = next(section for section in page if section.key == "attendance")
    assert [t["key"] for t in body["tables"]] == [t.key for t in attendance.tables]
    assert body["tables"][0]["rows"] == attendance.tables[0].rows
    assert body["suppressed_marker"] == "<5"


def test_api_refuses_what_the_scope_does_not_cover(world: World) -> None:
    facilitator = api_client_for(world.users["facilitator_a"])
    assert facilitator.get("/api/v1/reports/outcomes").status_code == 404
    manager = api_client_for(world.users["manager_a"])
    response = manager.get("/api/v1/reports/funnel", {"venue": str(world.venue_b.pk)})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["venue"]
    assert manager.get("/api/v1/reports/nonsense").status_code == 404


# --- Speed ----------------------------------------------------------------------------------


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_report_page_makes_the_same_queries_however_much_data(world: World) -> None:
    _course(world, 5)
    client = client_for(world.users["manager_a"])
    client.get("/reports/")  # the session and the scope, once
    small = _queries(client, "/reports/")
    _course(world, 8, venue_name="Elm Hall")
    _course(world, 8, venue_name="Ash Hall")
    assert _queries(client, "/reports/") == small
    assert small <= 60


def test_the_facilitator_summary_makes_the_same_queries_however_much_data(world: World) -> None:
    _course(world, 5)
    client = client_for(world.users["facilitator_a"])
    client.get("/reports/")
    small = _queries(client, "/reports/")
    _course(world, 8, venue_name="Elm Hall")
    assert _queries(client, "/reports/") == small


@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_dates_far_in_the_future_or_past_are_form_errors_not_500s(world: World, field: str) -> None:
    client = reauthenticated_client_for(world.users["manager_a"])
    for far in ("9999-12-31", "1900-01-01"):
        other = "date_to" if field == "date_from" else "date_from"
        query = {field: far, other: "2026-01-01"}
        response = client.get("/reports/", query)
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert client.get("/reports/funnel/stages.csv", query).status_code == 400
        api = api_client_for(world.users["manager_a"]).get("/api/v1/reports/waiting", query)
        assert api.status_code == 422


def test_an_end_date_alone_reports_the_year_before_it(world: World) -> None:
    response = client_for(world.users["manager_a"]).get("/reports/", {"date_to": "2020-06-30"})
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["date_from"].isoformat() == "2019-07-02"


def test_any_course_in_scope_may_be_chosen_not_only_those_in_the_drop_down(world: World) -> None:
    from nurture import policy
    from nurture.reports.filters import FilterForm

    mine = factories.make_run(world.provider_a, venue=world.venue_a)
    theirs = factories.make_run(world.provider_b, venue=world.venue_b)
    scope = policy.programme_report_scope(world.users["manager_a"])
    assert scope is not None
    for run, valid in ((mine, True), (theirs, False)):
        form = FilterForm({"run": str(run.pk)}, scope=scope)
        form.fields["run"].choices = [("", "All")]  # type: ignore[attr-defined]  # as if capped
        assert form.is_valid() is valid
