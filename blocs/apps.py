"""Blocs: provinces, units, blocs, memberships, people, the emulation year and its calendar."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlocsConfig(AppConfig):
    name = "blocs"
    verbose_name = _("Emulation blocs")

    def ready(self) -> None:
        from core.documents import registry

        from . import pagecache, permissions  # noqa: F401  (permissions registers the rules)
        from .sections import year_link

        year_link(order=10, label=_("Emulation covenant"), url_name="blocs:covenant")
        from .covenant_documents import covenant_document
        from .models import Covenant

        registry.register(
            registry.DocumentKind(
                name="blocs.covenant",
                load=lambda pk: Covenant.objects.select_related("year__bloc__province", "year__leader").get(pk=pk),
                build=covenant_document,
                version=lambda covenant: covenant.version,
                view_action="blocs.covenant.document",
            )
        )
        pagecache.register()
