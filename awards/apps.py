"""Awards: award kinds and quotas, ballots, results, proposal dossiers and the province's decisions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards and elections")

    def ready(self) -> None:
        from blocs.sections import Stage, document_state, year_link
        from core.documents import registry

        from . import permissions  # noqa: F401  (permissions registers the rules)

        year_link(
            stage=Stage.END,
            order=50,
            label=_("Awards and elections"),
            description=_("Secret ballots for the awards and the election of next year's leader unit."),
            url_name="awards:index",
            action="awards.view",
        )
        year_link(
            stage=Stage.END,
            order=55,
            label=_("Vote-count minutes"),
            description=_("The minutes of the count of the published ballots."),
            url_name="awards:minutes",
            action="awards.view",
            related=("vote_count_minutes",),
            state=document_state("vote_count_minutes"),
        )
        year_link(
            stage=Stage.END,
            order=60,
            label=_("Proposals and decisions"),
            description=_("The proposals sent to the province and the province's decisions."),
            url_name="awards:proposals",
            action="awards.view",
        )

        # The vote-count minutes and the submission letters are kinds of the one lifecycle of issued documents.
        from .services.documents import SUBMISSION_LETTER, VOTE_COUNT_MINUTES

        registry.register(VOTE_COUNT_MINUTES)
        registry.register(SUBMISSION_LETTER)
        from blocs import storage

        from .models import DossierFile

        # A unit's dossier files count against its storage quota of the year (blocs.storage).
        storage.register(
            "dossiers",
            lambda unit_id, year_id: DossierFile.objects.filter(
                proposal__unit_id=unit_id, proposal__award_kind__year_id=year_id
            ),
        )
