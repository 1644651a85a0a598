"""Dashboards: read-only pages for each role across every other app (home pages first)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from blocs.sections import Stage, year_link

        # the rules of the board's dashboard and of the leader's
        from . import pagecache, permissions, permissions_leader  # noqa: F401

        # the homes are to-do lists: the writes they follow beyond the calendar
        pagecache.register()

        year_link(
            stage=Stage.DURING,
            order=10,
            label=_("Leader's dashboard"),
            description=_("What needs doing now, and the bloc's progress over the calendar."),
            url_name="dashboards:leader-dashboard",
            action="dashboards.leader.view",
        )
