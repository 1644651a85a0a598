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
        from .services.minutes import MINUTES
        from .services.plan import PLAN
        from .services.summary import SUMMARY

        for kind in (PLAN, MINUTES, SUMMARY):  # each renders its records (core.documents.lifecycle.IssuedKind)
            registry.register(kind)
