"""Awards: award kinds and quotas, ballots, results, proposal dossiers and the province's decisions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards and elections")

    def ready(self) -> None:
        from blocs.sections import year_link
        from core.documents import registry

        from . import documents, permissions  # noqa: F401  (permissions registers the rules)

        year_link(order=70, label=_("Awards and elections"), url_name="awards:index", action="awards.view")

        # The minutes cover the year's published ballots: whoever sees the year's results may read them (no
        # draft exists, only published ballots appear). The submission belongs to one proposal's dossier.
        registry.register(
            registry.DocumentKind(
                name=documents.MINUTES_KIND,
                load=documents.load_year,
                build=documents.minutes_document,
                version=documents.minutes_version,
                view_action="awards.view",
            )
        )
        registry.register(
            registry.DocumentKind(
                name=documents.SUBMISSION_KIND,
                load=documents.load_proposal,
                build=documents.submission_document,
                version=documents.submission_version,
                view_action="awards.dossier.view",
            )
        )
