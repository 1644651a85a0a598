"""A per-user page cache with invalidation: what lets a busy page (the officer's home) answer from the cache
while staying exactly as fresh as a page rendered anew.

**Scopes.** Each user has a version token in the cache (`user:7`), and so does everything at once (`global`). A
write to a tracked model replaces the tokens of the users whose cached pages show what it changed (`touch`): at
once and again when its transaction commits. The apps say whom each of their models concerns by registering a
resolver with `track`: blocs turns a bloc's year, calendar, members or name into the officers of its member
units, core a notification into its recipient, and so on, keeping the import direction. A write fans out to a
few dozen users; a read then needs no more than its own user's token.

**Pages.** A cached page records its user's and the global token, taken *before* reading anything it shows
(`Page.start`), and a moment until which it is valid (midnight, when "days left" change, or the next due time
on the page). A hit is one round trip to the cache (`Page.lookup`: the entry and both current tokens); it needs
the tokens unchanged and that moment still ahead; anything else renders the page anew. The key holds the user,
the language, the path, a digest of the CSRF secret (the page carries a CSRF token) and of the code and
templates (`release`), so two people, two languages, two sessions or two releases never share an entry. A
request with messages to show, or without the CSRF cookie (a first visit), is never served from or stored in
the cache.

**Rules for whoever caches another page.** Every model the page reads must be tracked with a resolver that
returns the users whose pages show it; writes that bypass model signals (`QuerySet.update`, `bulk_create`, raw
SQL) on a tracked model must call `touch` themselves. The tests in tests/dashboards/test_home_cache.py change
each kind of data behind the officer's home and check the page equals a fresh rendering.

The cache must be shared by every process that writes (web workers and Celery workers): `PAGE_CACHE` is on by
default only when Redis is configured. With it off, `Page.lookup` always misses and `touch` does nothing.
"""

import datetime
import functools
import hashlib
import logging
import os
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

logger = logging.getLogger(__name__)

GLOBAL = "global"
VERSION_PREFIX = "pcv:"
PAGE_PREFIX = "pc:"
MAX_SECONDS = 24 * 3600  # an entry lives at most a day, whatever its page says

Resolver = Callable[[Model], Iterable[str]]
_resolvers: dict[type[Model], list[tuple[Resolver, bool]]] = defaultdict(list)
_OLD_ATTR = "_pagecache_old_scopes"


def enabled() -> bool:
    return bool(getattr(settings, "PAGE_CACHE", False))


def user_scope(user_id: int) -> str:
    return f"user:{user_id}"


# --- writes: versions ---------------------------------------------------------------------------------------


def touch(*scopes: str) -> None:
    """Invalidate every cached page of these scopes (`user_scope(id)`, or GLOBAL): at once, and again when the
    current transaction commits. The bump at commit is the one correctness rests on: a page rendered between
    the write and the commit read the old data, and may have been stored under the first bump's tokens. The
    bump at once serves the writer's own connection, which sees its uncommitted rows (and the test suite, whose
    transactions never commit). A transaction rolled back has cost a miss, nothing worse."""
    if not enabled():
        return
    wanted = {scope for scope in scopes if scope}
    if not wanted:
        return
    _bump(wanted)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(wanted), robust=True)


def _bump(scopes: set[str]) -> None:
    cache.set_many({VERSION_PREFIX + scope: uuid.uuid4().hex for scope in scopes}, timeout=None)


def _tokens(scopes: Iterable[str]) -> dict[str, str]:
    """The current token of each scope; a scope without one (never touched, or evicted) gets one now."""
    scopes = list(dict.fromkeys(scopes))
    found = cache.get_many([VERSION_PREFIX + scope for scope in scopes])
    missing = [scope for scope in scopes if VERSION_PREFIX + scope not in found]
    if missing:
        for scope in missing:
            cache.add(VERSION_PREFIX + scope, uuid.uuid4().hex, timeout=None)
        found.update(cache.get_many([VERSION_PREFIX + scope for scope in missing]))
    return {scope: found.get(VERSION_PREFIX + scope, "") for scope in scopes}


# --- writes: tracked models ----------------------------------------------------------------------------------


def track(model: type[Model], resolver: Resolver, *, old: bool = False) -> None:
    """Touch `resolver(instance)`'s scopes (user scopes, or GLOBAL) whenever an instance of `model` is saved or
    deleted. With `old`, the scopes of the row as it was before a save are touched too (for a model whose links
    can change: a person moved to another unit leaves the old unit's pages stale otherwise)."""
    first = model not in _resolvers
    _resolvers[model].append((resolver, old))
    if first:
        uid = f"pagecache:{model._meta.label}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid, weak=False)
        post_save.connect(_after_write, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(_after_write, sender=model, dispatch_uid=uid, weak=False)


def scopes_of(instance: Model) -> set[str]:
    scopes: set[str] = set()
    for resolver, _old in _resolvers.get(type(instance), []):
        scopes.update(scope for scope in resolver(instance) if scope)
    return scopes


def _before_save(sender, instance, raw=False, **kwargs):
    if not enabled() or raw or instance._state.adding or instance.pk is None:
        return
    olds = [resolver for resolver, old in _resolvers.get(sender, []) if old]
    if not olds:
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    if previous is not None:
        setattr(instance, _OLD_ATTR, {scope for resolver in olds for scope in resolver(previous) if scope})


def _after_write(sender, instance, raw=False, **kwargs):
    if not enabled() or raw:
        return
    scopes = scopes_of(instance) | getattr(instance, _OLD_ATTR, set())
    if hasattr(instance, _OLD_ATTR):
        delattr(instance, _OLD_ATTR)
    touch(*scopes)


# --- reads: pages --------------------------------------------------------------------------------------------


class Page:
    """One request's use of the cache for one page:

    page = Page(request, "officer-home")
    if (hit := page.lookup()) is not None:
        return hit
    page.depend(user_scope(user.pk))   # before reading what the scope guards
    ...read, render...
    return page.store(response, valid_until=...)
    """

    def __init__(self, request: HttpRequest, name: str):
        self.request = request
        self.tokens: dict[str, str] = {}
        self.usable = (
            enabled()
            and request.method in ("GET", "HEAD")
            and request.user.is_authenticated
            # Without the CSRF cookie the page gets a new secret, so its entry could never be found again.
            and bool(request.COOKIES.get(settings.CSRF_COOKIE_NAME))
            and not len(get_messages(request))  # counts without consuming them
        )
        self.key = self._key(name) if self.usable else ""
        self.scopes = (user_scope(request.user.pk), GLOBAL) if self.usable else ()

    def _key(self, name: str) -> str:
        user = self.request.user
        get_token(self.request)  # the secret the page's CSRF tokens are made from; set now if new
        secret = self.request.META.get("CSRF_COOKIE", "")
        digest = hashlib.sha256(f"{secret}|{self.request.get_full_path()}".encode()).hexdigest()[:32]
        return f"{PAGE_PREFIX}{release()}:{name}:{user.pk}:{self.request.LANGUAGE_CODE}:{digest}"

    def lookup(self) -> HttpResponse | None:
        """The cached page, if it is still valid: one round trip to the cache for the entry and the current
        tokens of the user's scope and the global one (the scopes every cached page depends on)."""
        if not self.usable:
            return None
        wanted = [self.key, *(VERSION_PREFIX + scope for scope in self.scopes)]
        found = cache.get_many(wanted)
        entry = found.get(self.key)
        if not entry or entry["until"] <= timezone.now().timestamp():
            return None
        if any(found.get(VERSION_PREFIX + scope) != token for scope, token in entry["tokens"].items()):
            return None
        response = HttpResponse(entry["content"], content_type=entry["content_type"])
        response["X-Page-Cache"] = "hit"
        return response

    def start(self) -> None:
        """Record the current tokens; call it before reading anything the page shows, so that a write committed
        in between leaves this entry stale rather than wrong."""
        if self.usable:
            self.tokens = _tokens(self.scopes)

    def store(self, response: HttpResponse, *, valid_until: datetime.datetime) -> HttpResponse:
        if not self.usable or response.status_code != 200 or response.streaming or response.cookies:
            return response
        if len(get_messages(self.request)):  # a message added while rendering: this page is not for reuse
            return response
        seconds = min((valid_until - timezone.now()).total_seconds(), MAX_SECONDS)
        if seconds >= 1:
            entry = {
                "tokens": self.tokens,
                "until": valid_until.timestamp(),
                "content": response.content,
                "content_type": response["Content-Type"],
            }
            cache.set(self.key, entry, timeout=int(seconds))
        response["X-Page-Cache"] = "miss"
        return response


@functools.cache
def release() -> str:
    """A digest of the code and templates this process runs: entries of another release are never read (a
    deploy changes the pages without touching any data)."""
    base = Path(settings.BASE_DIR)
    skip = {".venv", "node_modules", "var", "tests", ".git", "staticfiles", "test-artifacts"}
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in skip and not d.startswith("."))
        for file in sorted(files):
            if file.endswith((".py", ".html", ".mo")):
                stat = os.stat(os.path.join(folder, file))
                digest.update(f"{folder}/{file}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def next_midnight(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next local midnight: when every "days left" on a page changes."""
    local = timezone.localtime(now or timezone.now(), timezone.get_default_timezone())
    tomorrow = local.date() + datetime.timedelta(days=1)
    return datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=local.tzinfo)


def valid_until(moments: Iterable[datetime.datetime | None], now: datetime.datetime | None = None):
    """Midnight, or the first of these moments still ahead if it comes sooner (a deadline falling due)."""
    now = now or timezone.now()
    ahead = [moment for moment in moments if moment is not None and moment > now]
    return min([next_midnight(now), *ahead])
