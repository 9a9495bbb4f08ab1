"""The tables of questionnaires and safeguarding (responses, alerts, escalations, concerns,
settings). The code that uses them lives in ``nurture.questionnaires`` and
``nurture.safeguarding``; the label stays "outcomes" so table names and migrations keep."""

from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "nurture.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes and safeguarding"
