"""The questionnaire fixtures (a course, a synthetic EPDS pack) serve the safeguarding tests
too: an alert starts from an answer."""

from tests.questionnaires.conftest import course, epds, restore_packs

__all__ = ["course", "epds", "restore_packs"]
