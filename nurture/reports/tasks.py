from __future__ import annotations

from django_tasks import task

from nurture.reports import prepared


@task()
def prepare_report(key: str) -> bool:
    """Compute a wanted report in the background (see ``prepared.prepare``)."""
    return prepared.prepare(key)
