"""The questionnaire course fixture (a family on a course) serves the data-rights tests."""

from tests.questionnaires.conftest import course

__all__ = ["course"]
