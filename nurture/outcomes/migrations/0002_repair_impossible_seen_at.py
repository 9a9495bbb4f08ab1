"""Repair safeguarding concerns stored with a "seen at" near the ends of the calendar before
dates were checked (nurture/lib/time_ranges.py): such a value made the family's concerns
list fail for every clinician. A concern is never removed; its "seen at" becomes the time it
was recorded, the closest true moment kept. Compared in SQL only, never read into Python."""

from django.db import migrations

REPAIR = (
    "UPDATE outcomes_safeguardingconcern SET seen_at = recorded_at "
    "WHERE seen_at < %s OR seen_at > %s",
    ["1900-01-01", "3000-01-01"],
)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunSQL([REPAIR], reverse_sql=migrations.RunSQL.noop)]
