"""The pages of a failed request (400, 403, 404, 413, 500, 503 and a refused form), in the reader's language.

The 4xx pages use the full layout with the navigation, so that the reader can go on from where they are; should
that layout itself fail (the database is down, the session is broken), they fall back to the minimal one. The 500
page always uses the minimal layout and never touches the database, the user or the context processors: it must
show even when whatever broke the request is still broken.
"""

import logging
import sys

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

FULL_LAYOUT = "base.html"
MINIMAL_LAYOUT = "errors/base_minimal.html"


def language_of(request: HttpRequest) -> str:
    """The language chosen by UserLanguageMiddleware, else the cookie, else Vietnamese; never a query."""
    supported = {code for code, _name in settings.LANGUAGES}
    for language in (getattr(request, "LANGUAGE_CODE", None), request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        if language in supported:
            return language
    return settings.LANGUAGE_CODE


def _minimal(request: HttpRequest, template: str, status: int, context: dict | None = None) -> HttpResponse:
    with translation.override(language_of(request)):
        html = render_to_string(template, {**(context or {}), "layout": MINIMAL_LAYOUT})
    return HttpResponse(html, status=status)


def _page(request: HttpRequest, template: str, status: int, context: dict | None = None) -> HttpResponse:
    try:
        with translation.override(language_of(request)):
            return render(request, template, {**(context or {}), "layout": FULL_LAYOUT}, status=status)
    except Exception:
        logger.exception("The %s page could not use the full layout; showing the minimal one", status)
        return _minimal(request, template, status, context)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    if isinstance(exception, TooManyFilesSent):
        return too_large_upload(request, too_many_files=True)
    return _page(request, "errors/400.html", 400)


def too_large(request: HttpRequest) -> HttpResponse:
    """A form whose text (files aside) is over DATA_UPLOAD_MAX_MEMORY_SIZE: 413, with its size and the limit. The
    browser usually keeps what was typed when the person goes back; app.js warns before sending in the first place."""
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    context = {
        "size": filesizeformat(size) if size else "?",
        "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE),
    }
    return _minimal(request, "errors/413.html", 413, context)


def too_large_upload(request: HttpRequest, *, too_many_files: bool = False) -> HttpResponse:
    """A request over the upload limits, refused before its body was read: more than REQUEST_MAX_BYTES in all
    (core.middleware.RequestSizeLimitMiddleware), or more than DATA_UPLOAD_MAX_NUMBER_FILES files. 413, with the
    limits of one file, of one request and of the number of files."""
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    with translation.override(language_of(request)):  # sizes written the reader's way (200,0 MB or 200.0 MB)
        context = {
            "size": filesizeformat(size) if size else "?",
            "limit": filesizeformat(settings.REQUEST_MAX_BYTES),
            "file_limit": filesizeformat(settings.UPLOAD_MAX_BYTES),
            "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            "too_many_files": too_many_files,
        }
    return _minimal(request, "errors/413_upload.html", 413, context)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The database could not be reached: 503, minimal layout (the full one needs the database). For a form, that
    nothing was saved."""
    context = {"saved_nothing": request.method not in ("GET", "HEAD", "OPTIONS")}
    response = _minimal(request, "errors/503_database.html", 503, context)
    response["Retry-After"] = "10"
    response.database_unavailable = True  # a read is retried once (core.middleware.DatabaseRetryMiddleware)
    return response


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "errors/403.html", 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        from .middleware import close_broken_connections

        close_broken_connections()
        return database_unavailable(request)
    return _minimal(request, "errors/500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its valid security token: most often a page left open too long, or a sign-in
    elsewhere in the meantime. Offer to go back to the page the form was on, and to sign in again."""
    referer = request.META.get("HTTP_REFERER", "")
    safe_referer = url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure())
    return _page(request, "errors/403_csrf.html", 403, {"back_url": referer if safe_referer else ""})
