"""Conference: the plan, participants, report submissions and the bloc's summary report."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = _("Conference and reports")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
