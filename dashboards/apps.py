"""Dashboards: read-only pages for each role across every other app (home pages first)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        # the rules of the board's dashboard and of the leader's
        from . import permissions, permissions_leader  # noqa: F401
