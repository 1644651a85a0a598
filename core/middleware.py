"""Security headers, the per-user language, and a request that lost its database connection."""

import logging

from django.conf import settings
from django.db import connections
from django.utils import translation

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware:
    """Send a strict Content-Security-Policy on every response (no inline scripts or styles)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class UserLanguageMiddleware:
    """Activate the language: the signed-in user's choice, else the cookie, else Vietnamese.

    The browser's Accept-Language is ignored on purpose: the product is Vietnamese first, and an
    English browser in a provincial office must not switch the interface by itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.language
        if language not in self.supported:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DatabaseRetryMiddleware:
    """A request whose database connection broke (the server restarted, a connection killed, a failover).

    Whatever raised it (a view, the session or the user loaded by a middleware), the error becomes the "database
    unavailable" page (core.errors.server_error: 503, in the reader's language; for a form, that nothing was
    saved), never a bare server error, and the broken connections are closed so the next query opens new ones. A
    read (GET or HEAD), which changed nothing, is then run once more. First in MIDDLEWARE, so that the retry goes
    through every other middleware again."""

    SAFE = ("GET", "HEAD", "OPTIONS")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "database_unavailable", False) and request.method in self.SAFE:
            logger.warning("Database connection lost on %s %s; retrying it once", request.method, request.path)
            close_broken_connections()
            response = self.get_response(request)
        return response


def close_broken_connections() -> None:
    """Close every connection of this thread that is not inside a transaction (one that is belongs to a caller
    that will see the error itself); the next query opens a new one."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


class PrivateNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in user (pages, downloads, exports), so that
    neither a shared proxy nor the browser's disk keeps a copy of what only they may see. A view that set a stricter
    header (one with no-store) keeps it; one marked `public` said its answer is the same for everyone (the favicon's
    redirect). After AuthenticationMiddleware. Static files never reach it (WhiteNoise answers before), and the page
    cache (core/pagecache.py) keeps its copies on the server, where this header does not apply."""

    VALUE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        current = response.get("Cache-Control", "").lower()
        if "no-store" not in current and "public" not in current:
            response["Cache-Control"] = self.VALUE
        return response


class RequestSizeLimitMiddleware:
    """A request announcing a body over REQUEST_MAX_BYTES (Content-Length) gets the 413 page naming the limit, before
    anything reads the body: Django would otherwise receive the whole upload (to memory or a temporary file) before
    a form refused it. Early in MIDDLEWARE, before CSRF and the session touch request.POST. The reverse proxy's
    client_max_body_size should match, so that most such bodies never reach the web server at all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            from .errors import too_large_upload

            logger.warning("Refused %s %s: body of %d bytes announced", request.method, request.path, length)
            return too_large_upload(request)
        return self.get_response(request)
