"""What the layout needs from core: the signed-in user's unread notification count, counted only if shown."""

from django.utils.functional import SimpleLazyObject

from .notifications import notifications_unread_count


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: a page whose template never shows the badge (a file download, a JSON answer) pays no query.
    return {"ktd_unread_notifications": SimpleLazyObject(lambda: notifications_unread_count(user))}
