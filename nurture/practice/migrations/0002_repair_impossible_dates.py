"""Repair rows stored before every date was checked (nurture/lib/time_ranges.py).

A session or cue dated near the ends of the calendar (the year 1, or 9999) could be stored
then, and PostgreSQL may have kept a year 0 that Python cannot read back, so every later read
of that baby's practice failed. Such a row cannot describe a massage that happened: the
session (with its cues) or the stray cue is removed. Compared in SQL only, so the impossible
value itself is never read into Python.
"""

from django.db import migrations

OUT_OF_RANGE = ["1900-01-01", "3000-01-01"]

FORWARD = [
    (
        "DELETE FROM practice_cueevent WHERE session_id IN (SELECT id FROM "
        "practice_practicesession WHERE started_at < %s OR started_at > %s "
        "OR ended_at < %s OR ended_at > %s)",
        OUT_OF_RANGE * 2,
    ),
    (
        "DELETE FROM practice_practicesession WHERE started_at < %s OR started_at > %s "
        "OR ended_at < %s OR ended_at > %s",
        OUT_OF_RANGE * 2,
    ),
    ("DELETE FROM practice_cueevent WHERE at < %s OR at > %s", OUT_OF_RANGE),
]


class Migration(migrations.Migration):
    dependencies = [("practice", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=migrations.RunSQL.noop)]
