"""Core: what every app shares and no domain owns."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import pagecache
        from .collation import register_on_sqlite
        from .models import Notification, User

        connection_created.connect(register_on_sqlite, dispatch_uid="core.collation")

        pagecache.track(User, lambda user: [pagecache.user_scope(user.pk)])
        pagecache.track(Notification, lambda notification: [pagecache.user_scope(notification.recipient_id)])
