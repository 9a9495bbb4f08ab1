from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "nurture.referrals"
    label = "referrals"
    verbose_name = "Referrals"
