"""Blocs: provinces, units, blocs, memberships, people, the emulation year and its calendar."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlocsConfig(AppConfig):
    name = "blocs"
    verbose_name = _("Emulation blocs")

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (registers the rules)
