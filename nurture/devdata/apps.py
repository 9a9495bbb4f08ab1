from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Demo data, synthetic datasets and benchmarks: for trials and measurement, never
    imported by the product's apps."""

    name = "nurture.devdata"
    label = "devdata"
    verbose_name = "Demo data, synthetic datasets and benchmarks"
