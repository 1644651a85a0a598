"""Conference: the bloc's meetings — the plan, delegates and attendance, the comment round on the draft report, the
minutes and the bloc's summary report."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConferenceConfig(AppConfig):
    name = "conference"
    verbose_name = _("Conference")

    def ready(self) -> None:
        from blocs.sections import DRAFT, ISSUED, Badge, Stage, document_state, one_to_one, year_link
        from core.documents import registry

        year_link(
            stage=Stage.END,
            order=10,
            label=_("Conference plan"),
            description=_("The plan of the year-end conference: date, agenda, delegates and tasks."),
            url_name="conference:plan",
            action="conference.plan.view",
        )
        year_link(
            stage=Stage.END,
            order=12,
            label=_("Delegates"),
            description=_("The delegates each member unit sends to the conference."),
            url_name="conference:delegates",
            action="conference.plan.view",
        )
        year_link(
            stage=Stage.END,
            order=14,
            label=_("Attendance list"),
            description=_("Who attended the conference."),
            url_name="conference:attendance",
            action="conference.plan.edit",
        )
        year_link(
            stage=Stage.END,
            order=30,
            label=_("Comment round"),
            description=_("The draft of the bloc's summary report and the members' comments on it."),
            url_name="conference:draft-report",
            action="conference.draft.view",
        )

        def summary_state(year) -> Badge | None:
            report = one_to_one(year, "summary_report")
            if report is None:
                return None
            if report.is_issued:
                return ISSUED
            if report.is_sent:
                return Badge(_("Sent for comments"), "info")
            return DRAFT

        year_link(
            stage=Stage.END,
            order=40,
            label=_("The bloc's summary report"),
            description=_("Compiled from the year's records around the leader unit's account."),
            url_name="conference:summary",
            action="conference.summary.view",
            related=("summary_report",),
            state=summary_state,
        )
        year_link(
            stage=Stage.END,
            order=70,
            label=_("Conference minutes"),
            description=_("The minutes of the year-end conference."),
            url_name="conference:minutes",
            action="conference.minutes.view",
            related=("conference_minutes",),
            state=document_state("conference_minutes"),
        )

        year_link(
            stage=Stage.DURING,
            order=48,
            label=_("Meetings"),
            description=_("The mid-year review and the bloc's other meetings: date, guests, draft report, minutes."),
            url_name="conference:meetings",
            action="conference.meetings.view",
        )

        from . import permissions, permissions_meetings, signals  # noqa: F401  (registers the rules and receivers)
        from .services.meetings import MEETING_MINUTES, MEETING_PLAN
        from .services.minutes import MINUTES
        from .services.plan import PLAN
        from .services.summary import SUMMARY

        # each renders its records (core.documents.lifecycle.IssuedKind)
        for kind in (PLAN, MINUTES, SUMMARY, MEETING_MINUTES, MEETING_PLAN):
            registry.register(kind)
