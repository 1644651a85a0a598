"""Awards: award kinds and quotas, ballots, results, proposal dossiers and the province's decisions."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards and elections")
