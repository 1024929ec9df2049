"""App configuration for review."""

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "审核"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
