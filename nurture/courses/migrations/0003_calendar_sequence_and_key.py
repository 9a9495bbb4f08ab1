import uuid

from django.db import migrations, models


def give_each_enrolment_a_key(apps, schema_editor):
    Enrolment = apps.get_model("courses", "Enrolment")
    for enrolment in Enrolment.objects.filter(calendar_key__isnull=True):
        enrolment.calendar_key = uuid.uuid4()
        enrolment.save(update_fields=["calendar_key"])


class Migration(migrations.Migration):
    dependencies = [("courses", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="session",
            name="sequence",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Raised on every change, so calendars replace the old event.",
            ),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="calendar_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_enrolment_a_key, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="enrolment",
            name="calendar_key",
            field=models.UUIDField(
                default=uuid.uuid4,
                unique=True,
                help_text="Secret part of the family's calendar link.",
            ),
        ),
    ]
