"""What the layout needs about the signed-in user: role facts and the blocs for the navigation."""

from django.utils.functional import SimpleLazyObject

from .models import Bloc
from .roles import facts


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    f = SimpleLazyObject(lambda: facts(user))

    def nav_blocs():
        current = facts(user)
        if current.is_board:
            return []
        return list(Bloc.objects.filter(pk__in=list(current.memberships)).only("name", "short_name", "slug"))

    return {"ktd_facts": f, "ktd_nav_blocs": SimpleLazyObject(nav_blocs)}
