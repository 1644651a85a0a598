"""Conference: the bloc's meetings — the plan, delegates and attendance, the comment round on the draft report, the
minutes and the bloc's summary report."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = _("Conference")

    def ready(self) -> None:
        from blocs.sections import year_link
        from core.documents import registry

        year_link(order=60, label=_("Conference plan"), url_name="conference:plan", action="conference.plan.view")

        from . import permissions, signals  # noqa: F401  (registers the rules and the receivers)
        from .documents.plan import plan_document
        from .models import ConferencePlan

        registry.register(
            registry.DocumentKind(
                name="conference.plan",
                load=lambda pk: ConferencePlan.objects.select_related("year__bloc__province", "year__leader").get(
                    pk=pk
                ),
                build=plan_document,
                version=lambda plan: plan.version,
                view_action="conference.plan.document",
            )
        )
        from .documents.minutes import minutes_document
        from .models import ConferenceMinutes

        registry.register(
            registry.DocumentKind(
                name="conference.minutes",
                load=lambda pk: ConferenceMinutes.objects.select_related("year__bloc__province", "year__leader").get(
                    pk=pk
                ),
                build=minutes_document,
                version=lambda minutes: minutes.revision,
                view_action="conference.minutes.document",
            )
        )
        from .documents.summary import summary_document
        from .models import SummaryReport

        registry.register(
            registry.DocumentKind(
                name="conference.summary",
                load=lambda pk: SummaryReport.objects.select_related(
                    "year__bloc__province", "year__leader", "year__deputy"
                ).get(pk=pk),
                build=summary_document,
                version=lambda summary: summary.revision,
                view_action="conference.summary.document",
            )
        )
