"""Views every role shares: the language switch, the health check, the favicon and the user's notifications."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from . import notifications as notes
from . import services
from .models import Notification

NOTIFICATIONS_PER_PAGE = 30


@require_POST
def set_language(request):
    """Switch the interface language; remembered on the user, and in a cookie before sign-in."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


@cache_control(max_age=24 * 3600, public=True)
@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page says: the icon among the static files (temporary, as
    its collected name carries a hash that changes with it)."""
    return HttpResponseRedirect(static("img/favicon.ico"))


@never_cache
@require_GET
def healthz(request):
    """One query and a tiny answer: what docker-compose probes, and the floor of this stack."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Readiness (core/health.py): each part's state in JSON; 503 when a required part (the database) is down,
    200 with "degraded" when the service runs without a part (the cache's Redis, the broker, the worker, mail)."""
    from . import health

    overall, parts = health.readiness()
    return JsonResponse({"status": overall, "checks": parts}, status=503 if overall == health.DOWN else 200)


@login_required
@require_GET
def notification_list(request):
    paginator = Paginator(notes.notifications_for_user(request.user), NOTIFICATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "core/notifications.html", {"page": page, "notifications": page.object_list})


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notification read and follow its link; someone else's notification is a 404."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notes.notification_mark_read(notification=notification, by=request.user)
    if notification.link and notes.is_site_relative(notification.link):
        return HttpResponseRedirect(notification.link)
    return redirect("core:notification-list")


@login_required
@require_POST
def notification_read_all(request):
    if notes.notification_mark_all_read(by=request.user):
        messages.success(request, _("All notifications are marked as read."))
    return redirect("core:notification-list")


@login_required
def document_download(request, pk):
    """A stored rendering, to whoever may see it (core.documents.services.visible_rendering: a draft's to its
    editors alone, else only the issued text's current revision; a 404 to anyone else) and read its record."""
    from core.documents.services import visible_rendering
    from core.files import private_file_response
    from core.models import RenderedDocument

    rendered, _spec, _record = visible_rendering(pk, request.user)
    if rendered.status != RenderedDocument.Status.DONE:
        raise Http404
    return private_file_response(rendered.file, download_name=rendered.file_name)


@login_required
def document_status(request, pk):
    """HTMX: the progress of one rendering, to whoever may see it (as its download); polls itself until the file
    is ready or failed."""
    from core.documents.services import visible_rendering

    rendered, _spec, _record = visible_rendering(pk, request.user)
    return render(request, "core/_document_status.html", {"doc": rendered})
