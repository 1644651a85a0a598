"""The pages of undelivered mail: what the outbox has not delivered to an audience's users (a province's, a
bloc-year's; see notifications.MailAudience), and resending it."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from .. import notifications as notes
from ..permissions import ensure_can

MESSAGES_PER_PAGE = 50


def _audience(name: str, key: str):
    """The registered audience and its object, or a 404."""
    try:
        audience = notes.mail_audience(name)
        return audience, audience.load(key)
    except (KeyError, ValueError, ValidationError, ObjectDoesNotExist) as exc:
        raise Http404(name) from exc


@login_required
@require_GET
def undelivered_mail(request, audience: str, key: str):
    audience, target = _audience(audience, key)
    ensure_can(request.user, audience.view_action, target)
    page = Paginator(notes.outbox_undelivered(audience=audience, target=target), MESSAGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "audience": audience,
        "key": key,
        "title": audience.title(target),
        "back_url": audience.back_url(target),
        "page": page,
        "mails": page.object_list,
        "retry_hours": settings.OUTBOX_RETRY_HOURS,
    }
    return render(request, "core/outbox.html", context)


@login_required
@require_POST
def undelivered_mail_resend(request, audience: str, key: str):
    """Resend one message (`message`) or every resendable one the page lists (`all`)."""
    audience, target = _audience(audience, key)
    ensure_can(request.user, audience.view_action, target)
    if "all" in request.POST:
        ids = None
    else:
        try:
            ids = [int(request.POST.get("message", ""))]
        except ValueError as exc:
            raise Http404("message") from exc
    resent = notes.outbox_resend(by=request.user, audience=audience, target=target, message_ids=ids)
    if resent:
        messages.success(
            request,
            ngettext(
                "%(count)d e-mail was put back in the queue; it goes out within a minute.",
                "%(count)d e-mails were put back in the queue; they go out within a minute.",
                len(resent),
            )
            % {"count": len(resent)},
        )
    else:
        messages.info(request, _("Nothing to resend: the e-mail is being sent or was sent meanwhile."))
    return redirect("core:undelivered-mail", audience=audience.name, key=key)
