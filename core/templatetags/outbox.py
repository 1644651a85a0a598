"""`{% undelivered_mail_link "province" province %}`: the link to an audience's page of undelivered mail, with
how many messages it lists, for those who may open it (nothing for anyone else)."""

from django import template
from django.urls import reverse

from .. import notifications as notes
from ..permissions import can

register = template.Library()


@register.inclusion_tag("core/_undelivered_mail_link.html", takes_context=True)
def undelivered_mail_link(context, audience_name: str, target, size: str = ""):
    request = context.get("request")
    audience = notes.mail_audience(audience_name)
    if request is None or target is None or not can(request.user, audience.view_action, target):
        return {"show": False}
    return {
        "show": True,
        "count": notes.outbox_undelivered(audience=audience, target=target).count(),
        "url": reverse("core:undelivered-mail", kwargs={"audience": audience.name, "key": audience.key(target)}),
        "size": size,
    }
