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
