"""The questionnaire course fixture serves the audit tests too (flags need a course)."""

from tests.questionnaires.conftest import course

__all__ = ["course"]
