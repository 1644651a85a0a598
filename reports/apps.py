"""Reports and deadlines: what each unit sends for the calendar's deadlines, extensions, who has answered which
deadline and when, and the reminders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and deadlines")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
