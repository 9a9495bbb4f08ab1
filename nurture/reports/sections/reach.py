"""Who the programme reaches: of the referrals received in the range, why they were referred,
their priority, how many babies were born early, the languages their families speak, and
where they live (postcode district).

Four queries, whatever the number of referrals: one conditional count over the referrals
(reasons, priority, gestation), two over the carers of the families referred (languages,
interpreters) and one grouped count of those families by postcode district.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Left, Length, StrIndex, Trim, Upper

from nurture.families.ages import PRETERM_BEFORE_DAYS, TERM_DAYS
from nurture.families.models import Carer, Family, Language
from nurture.policy import ReportScope
from nurture.referrals.models import Priority, Reason, Referral
from nurture.reports.filters import ReportFilters, referrals_received_in
from nurture.reports.sections.common import count_table
from nurture.reports.tables import SUPPRESSED, Column, Section, Table, suppress

PRETERM_WEEKS = PRETERM_BEFORE_DAYS // 7
"""Born before 37 completed weeks (``families.ages``)."""
DUE_DATE_GAP_DAYS = TERM_DAYS - PRETERM_BEFORE_DAYS
"""With no gestation recorded, a baby born more than 21 days before their due date was
born before 37 weeks (40 weeks less 21 days)."""

NOT_RECORDED = "Not recorded"
OTHER_DISTRICTS = "Other districts (each fewer than 5)"
CHART_DISTRICTS = 12
"""The chart shows the largest districts only; the table lists them all."""

PARTS_SUPPRESSED = (
    "Numbers under 5 are shown as <5; when only one would be, the next smallest is hidden "
    "too, so it cannot be worked out from the total."
)
"""Said of the tables whose rows add up to the whole (priority, gestation, districts)."""

COURSE_NOTE = (
    "Filtered by venue, facilitator or course: only referrals offered a place on, or enrolled "
    "on, a matching course are counted."
)


def reach_section(scope: ReportScope, filters: ReportFilters) -> Section:
    referrals = referrals_received_in(scope, filters)
    notes = (COURSE_NOTE,) if filters.by_course or scope.is_facilitator_summary else ()
    counts = _referral_counts(referrals)
    families = Family.objects.filter(pk__in=referrals.values("family_id"))
    return Section(
        key="reach",
        title="Who the programme reaches",
        tables=[
            _reasons_table(counts, notes),
            _priority_table(counts, notes),
            _gestation_table(counts, notes),
            _language_table(families, counts["families"], notes),
            _district_table(families, counts["families"], notes),
        ],
    )


def _referral_counts(referrals: QuerySet[Referral]) -> dict[str, int]:
    """One query: the referrals, their families, and counts by reason, priority and
    gestation."""
    due_gap = ExpressionWrapper(
        F("baby__due_date") - F("baby__date_of_birth"), output_field=DurationField()
    )
    no_weeks = Q(baby__gestation_weeks__isnull=True)
    preterm = Q(baby__gestation_weeks__lt=PRETERM_WEEKS) | (
        no_weeks & Q(due_gap__gt=timedelta(days=DUE_DATE_GAP_DAYS))
    )
    unknown = no_weeks & Q(baby__due_date__isnull=True)
    reasons = {
        f"reason_{code}": Count("pk", filter=Q(reasons__icontains=f'"{code}"'))
        for code in Reason.values
    }
    priorities = {
        f"priority_{code}": Count("pk", filter=Q(priority=code)) for code in Priority.values
    }
    counts: dict[str, int] = referrals.alias(due_gap=due_gap).aggregate(
        referrals=Count("pk"),
        families=Count("family_id", distinct=True),
        no_reason=Count("pk", filter=Q(reasons=[])),
        preterm=Count("pk", filter=preterm),
        gestation_unknown=Count("pk", filter=unknown),
        **reasons,
        **priorities,
    )
    return counts


REFERRAL_COLUMNS = (
    Column("referrals", "Referrals", "count"),
    Column("share", "% of referrals", "percent"),
)
FAMILY_COLUMNS = (
    Column("families", "Families", "count"),
    Column("share", "% of families", "percent"),
)


def _reach_table(
    titles: tuple[str, str, str],
    columns: tuple[Column, Column, Column],
    items: list[tuple[str, int]],
    total: int,
    notes: tuple[str, ...],
    *,
    definition: str,
    chart_items: list[tuple[str, int]] | None = None,
    parts: bool = False,
) -> Table:
    """``count_table`` for one of this section's tables: ``titles`` are its key, title and
    chart title; the chart is ``reach-<key>``. ``parts``: each referral or family is in
    exactly one of the items, so they add up to ``total`` and are suppressed together."""
    key, title, chart_title = titles
    return count_table(
        key=key,
        title=title,
        definition=definition,
        columns=columns,
        items=items,
        whole=total,
        chart_id=f"reach-{key}",
        chart_title=chart_title,
        notes=notes,
        chart_items=chart_items,
        parts=parts,
    )


def _reasons_table(counts: dict[str, int], notes: tuple[str, ...]) -> Table:
    total = counts["referrals"]
    items = [(label, counts[f"reason_{code}"]) for code, label in Reason.choices]
    items.append((NOT_RECORDED, counts["no_reason"]))
    # Not parts of a whole: a referral may give several reasons, so the counts add up to
    # more than the referrals and no count can be worked out by subtracting the others.
    return _reach_table(
        ("reasons", "Reasons for referral", "Reasons for referral"),
        (Column("reason", "Reason"), *REFERRAL_COLUMNS),
        items,
        total,
        notes,
        definition=(
            "Referrals received in the date range (duplicates left out), counted under each "
            "reason the health visitor gave; a referral may give several reasons, so the "
            "shares can add up to more than 100%. Share: of all referrals received. Numbers "
            "under 5 are shown as <5."
        ),
    )


def _priority_table(counts: dict[str, int], notes: tuple[str, ...]) -> Table:
    total = counts["referrals"]
    items = [(label, counts[f"priority_{code}"]) for code, label in Priority.choices]
    return _reach_table(
        ("priority", "Priority", "Referrals by priority"),
        (Column("priority", "Priority"), *REFERRAL_COLUMNS),
        items,
        total,
        notes,
        definition=(
            "Referrals received in the date range by the priority the health visitor set. "
            f"Share: of all referrals received. {PARTS_SUPPRESSED}"
        ),
        parts=True,
    )


def _gestation_table(counts: dict[str, int], notes: tuple[str, ...]) -> Table:
    total = counts["referrals"]
    preterm, unknown = counts["preterm"], counts["gestation_unknown"]
    items = [
        ("Born before 37 weeks", preterm),
        ("Born at 37 weeks or later", total - preterm - unknown),
        (NOT_RECORDED, unknown),
    ]
    return _reach_table(
        ("gestation", "Babies born early", "Babies born before 37 weeks"),
        (Column("gestation", "Gestation at birth"), *REFERRAL_COLUMNS),
        items,
        total,
        notes,
        definition=(
            "The babies of the referrals received in the date range, by how many weeks of "
            "pregnancy they were born at. Born before 37 weeks: fewer than 37 completed weeks "
            "recorded or, where the weeks are not recorded, born more than 21 days before "
            "their due date. Not recorded: neither the weeks nor the due date is known. "
            f"Share: of all referrals received. {PARTS_SUPPRESSED}"
        ),
        parts=True,
    )


def _language_table(families: QuerySet[Family], total: int, notes: tuple[str, ...]) -> Table:
    """Two queries: families per language their carers speak, and families with a carer who
    needs an interpreter."""
    carers = Carer.objects.filter(family__in=families.values("pk"))
    by_language = {
        row["language"]: row["families"]
        for row in carers.values("language")
        .annotate(families=Count("family_id", distinct=True))
        .order_by()
    }
    interpreter: int = carers.filter(needs_interpreter=True).aggregate(
        families=Count("family_id", distinct=True)
    )["families"]
    items = sorted(
        ((label, by_language.get(code, 0)) for code, label in Language.choices),
        key=lambda item: (-item[1], item[0]),
    )
    items = [item for item in items if item[1]]
    items.append(("Needs an interpreter", interpreter))
    # Not parts of a whole: a family whose carers speak different languages is counted
    # under each, a family may have no carer recorded, and needing an interpreter overlaps
    # the languages; so the counts do not add up to the families referred and no count can
    # be worked out by subtracting the others from it.
    return _reach_table(
        ("language", "Languages spoken", "Languages families speak"),
        (Column("language", "Language"), *FAMILY_COLUMNS),
        items,
        total,
        notes,
        definition=(
            "The families of the referrals received in the date range (each family once), "
            "counted under each language their carers speak; a family whose carers speak "
            "different languages is counted under each, so the shares can add up to more "
            "than 100%. Needs an interpreter: at least one carer in the family needs one. "
            "Languages no family speaks are left out. Share: of all families referred. "
            "Numbers under 5 are shown as <5."
        ),
    )


def by_district(families: QuerySet[Family]) -> QuerySet[Any, dict[str, Any]]:
    """Families grouped by postcode district (the outward code), computed by the database:
    the postcode trimmed and upper-cased, then the part before its first space; with no
    space, all but the last three characters (the inward code); blank: "Not recorded"."""
    return (
        families.alias(postcode_upper=Upper(Trim("postcode")))
        .alias(
            postcode_space=StrIndex("postcode_upper", Value(" ")),
            postcode_length=Length("postcode_upper"),
        )
        .annotate(
            district=Case(
                When(postcode_upper="", then=Value(NOT_RECORDED)),
                When(
                    postcode_space__gt=1,
                    then=Left("postcode_upper", F("postcode_space") - 1),
                ),
                When(
                    postcode_length__gt=4,
                    then=Left("postcode_upper", F("postcode_length") - 3),
                ),
                default=F("postcode_upper"),
                output_field=CharField(),
            )
        )
        .values("district")
        .annotate(families=Count("pk"))
        .order_by()
    )


def _district_table(families: QuerySet[Family], total: int, notes: tuple[str, ...]) -> Table:
    """One query: families grouped by district. Districts with fewer than 5 families are
    counted together, so no small area can be picked out. Every family is in exactly one
    row (a district, the other districts, or not recorded), so the rows are suppressed as
    parts of all families referred."""
    grouped = by_district(families)
    counts = {row["district"]: row["families"] for row in grouped}
    unknown = counts.pop(NOT_RECORDED, 0)
    shown = sorted(
        ((district, count) for district, count in counts.items() if suppress(count) != SUPPRESSED),
        key=lambda item: (-item[1], item[0]),
    )
    small = sum(count for count in counts.values() if suppress(count) == SUPPRESSED)
    items = list(shown)
    if small:
        items.append((OTHER_DISTRICTS, small))
    if unknown:
        items.append((NOT_RECORDED, unknown))
    chart_items = shown[:CHART_DISTRICTS]
    return _reach_table(
        ("district", "Where families live", "Families by postcode district"),
        (Column("district", "Postcode district"), *FAMILY_COLUMNS),
        items,
        total,
        notes,
        definition=(
            "The families of the referrals received in the date range (each family once), by "
            "postcode district: the first part of the postcode, before the space (RT1 for "
            "RT1 1AA). Districts with fewer than 5 families are counted together as "
            '"Other districts". Not recorded: no postcode. Share: of all families referred. '
            f"{PARTS_SUPPRESSED} The chart shows the {CHART_DISTRICTS} largest districts."
        ),
        chart_items=chart_items,
        parts=True,
    )
