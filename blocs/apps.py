"""Blocs: provinces, units, blocs, memberships, people, the emulation year and its calendar."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlocsConfig(AppConfig):
    name = "blocs"
    verbose_name = _("Emulation blocs")

    def ready(self) -> None:
        from core.documents import registry

        from . import mail, pagecache, permissions  # noqa: F401  (permissions registers the rules)
        from .sections import Stage, document_state, year_link

        year_link(
            stage=Stage.START,
            order=10,
            label=_("Emulation covenant"),
            description=_("Each unit registers its targets; the leader unit issues the covenant."),
            url_name="blocs:covenant",
            action="blocs.covenant.view",
            related=("covenant",),
            state=document_state("covenant"),
        )
        year_link(
            stage=Stage.START,
            order=25,
            label=_("Calendar"),
            description=_("The deadlines and events of the year, further down this page."),
            url_name="blocs:year-detail",
            fragment="calendar",
        )
        from .covenant import COVENANT

        # The covenant renders as its kind of the one lifecycle says: its drafts' files are its leader unit's alone.
        registry.register(COVENANT)
        pagecache.register()
        mail.register()
