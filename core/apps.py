"""Core: what every app shares and no domain owns."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import pagecache
        from .models import Notification, User

        pagecache.track(User, lambda user: [pagecache.user_scope(user.pk)])
        pagecache.track(Notification, lambda notification: [pagecache.user_scope(notification.recipient_id)])
