"""Programme reports prepared ahead: the few reports too large to work out while someone waits
(every provider's records at national size) are computed in the background and kept here.
See ``prepared.py``."""

from __future__ import annotations

from django.db import models


class PreparedReport(models.Model):
    key = models.CharField(max_length=64, unique=True)
    """A digest of the scope and filters (``prepared.report_key``)."""
    scope = models.JSONField()
    filters = models.JSONField()
    prepared_at = models.DateTimeField(null=True, blank=True)
    """When the sections kept were computed; None until the first copy is ready."""
    seconds = models.FloatField(null=True, blank=True)
    """How long computing it took."""
    wanted_at = models.DateTimeField(null=True, blank=True)
    """When a fresh copy was asked for; None while nothing is waiting."""
    claimed_at = models.DateTimeField(null=True, blank=True)
    """When a worker started computing it; None while none is."""
    read_at = models.DateTimeField()
    error = models.TextField(blank=True)
    """Why the last attempt failed (empty when it did not)."""
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["wanted_at"], name="prepared_report_wanted")]

    def __str__(self) -> str:
        return f"Report {self.filters} prepared at {self.prepared_at}"


class PreparedSection(models.Model):
    """One section of a prepared report, kept apart so that reading one section (the API,
    a CSV file) does not load the others."""

    report = models.ForeignKey(PreparedReport, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField()
    data = models.JSONField()
    """The section as ``prepared.section_data`` kept it."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="one_copy_of_each_section")
        ]
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.key} of {self.report}"
