"""Awards: award kinds and quotas, ballots, results, proposal dossiers and the province's decisions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards and elections")

    def ready(self) -> None:
        from blocs.sections import year_link
        from core.documents import registry

        from . import permissions  # noqa: F401  (permissions registers the rules)

        year_link(order=70, label=_("Awards and elections"), url_name="awards:index", action="awards.view")

        # The vote-count minutes and the submission letters are kinds of the one lifecycle of issued documents.
        from .services.documents import SUBMISSION_LETTER, VOTE_COUNT_MINUTES

        registry.register(VOTE_COUNT_MINUTES)
        registry.register(SUBMISSION_LETTER)
