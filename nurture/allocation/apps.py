from django.apps import AppConfig


class AllocationConfig(AppConfig):
    """Places on courses: the waiting list, offers, acceptance and enrolment, and the referral
    moves they cause. No tables of its own: offers and enrolments stay in ``courses``."""

    name = "nurture.allocation"
    label = "allocation"
    verbose_name = "Places: waiting list, offers and enrolments"
