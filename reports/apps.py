"""Reports and deadlines: what each unit sends for the calendar's deadlines, extensions, who has answered which
deadline and when, and the reminders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and deadlines")

    def ready(self) -> None:
        from blocs.sections import year_link

        from . import permissions  # noqa: F401  (registers the rules)

        year_link(order=35, label=_("Reports"), url_name="reports:submissions", officers_only=True)
        year_link(
            order=45,
            label=_("Reports of the member units"),
            url_name="reports:submission-matrix",
            action="reports.submission.view_all",
        )
