"""Reports and deadlines: what each unit sends for the calendar's deadlines, extensions, who has answered which
deadline and when, and the reminders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports and deadlines")

    def ready(self) -> None:
        from blocs.sections import Stage, year_link

        from . import permissions  # noqa: F401  (registers the rules)

        year_link(
            stage=Stage.DURING,
            order=35,
            label=_("Reports"),
            description=_("The reports your unit sends for the calendar's deadlines."),
            url_name="reports:submissions",
            officers_only=True,
        )
        year_link(
            stage=Stage.DURING,
            order=45,
            label=_("Reports of the member units"),
            description=_("Who sent which report and when: accept, return, extend."),
            url_name="reports:submission-matrix",
            action="reports.submission.view_all",
        )
        year_link(
            stage=Stage.DURING,
            order=50,
            label=_("Reminders sent"),
            description=_("The reminders of the deadlines sent to each unit, in the app and by e-mail."),
            url_name="reports:reminders",
            action="reports.reminders.view",
        )
        from blocs import storage

        from .models import SubmissionVersion

        # Every version of a unit's report files counts against its storage quota of the year (blocs.storage).
        storage.register(
            "reports",
            lambda unit_id, year_id: SubmissionVersion.objects.filter(
                submission__unit_id=unit_id, submission__deadline__year_id=year_id
            ),
        )
