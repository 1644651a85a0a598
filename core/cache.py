"""The cache's Redis may go down without taking the site with it: a Redis cache that answers "miss" while Redis is
unreachable, instead of raising.

Every page reads the cache (the session with `cached_db`, the page cache of core/pagecache.py), so with Django's own
RedisCache a stopped Redis turns every signed-in page and the sign-in itself into a 500. With this backend:

- a read that cannot reach Redis is a miss: sessions are read from the database (`cached_db` falls back to it), pages
  are rendered anew; a write is skipped;
- after a failure the backend does not try Redis again for CACHE_RETRY_SECONDS (a circuit breaker), so that a
  Redis that hangs costs one short timeout (CACHE_SOCKET_TIMEOUT) now and then, not one per call;
- a write lost while Redis was unreachable may have been an invalidation (a page cache token, a deleted session): the
  first call that reaches Redis again empties the cache once, so nothing stale is served after the outage. Sessions
  live in the database as well, so nobody is signed out by it;
- `state()` says whether the cache is reachable now, for the readiness check (/readyz/).
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class _Breaker:
    """Shared by every ResilientRedisCache of the process (one per thread, as Django makes them)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.open_until = 0.0  # monotonic time before which Redis is not tried
        self.lost_writes = False  # a write failed: the cache may hold stale entries once Redis is back
        self.last_error = ""
        self.failures = 0
        self.logged_at = 0.0


_breaker = _Breaker()


def state() -> dict:
    """{"reachable": bool, "error": str}: what the last calls found (no call to Redis here)."""
    reachable = time.monotonic() >= _breaker.open_until
    return {"reachable": reachable, "error": "" if reachable else _breaker.last_error}


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params}
        options = {**params.get("OPTIONS", {})}
        # A Redis that does not answer must not hold a request for long.
        options.setdefault("socket_connect_timeout", getattr(settings, "CACHE_SOCKET_TIMEOUT", 0.5))
        options.setdefault("socket_timeout", getattr(settings, "CACHE_SOCKET_TIMEOUT", 0.5))
        params["OPTIONS"] = options
        super().__init__(server, params)

    # --- the guard ------------------------------------------------------------------------------------------

    def _call(self, method: str, fallback, *args, write: bool = False, **kwargs):
        if time.monotonic() < _breaker.open_until:
            if write:
                _breaker.lost_writes = True
            return fallback
        try:
            if _breaker.lost_writes:
                self._forget_the_outage()
            return getattr(super(), method)(*args, **kwargs)
        except RedisError as exc:
            self._failed(exc, write=write)
            return fallback

    def _failed(self, exc: Exception, *, write: bool) -> None:
        now = time.monotonic()
        with _breaker.lock:
            _breaker.open_until = now + getattr(settings, "CACHE_RETRY_SECONDS", 5.0)
            _breaker.last_error = f"{type(exc).__name__}: {exc}"[:300]
            _breaker.failures += 1
            if write:
                _breaker.lost_writes = True
            log = now - _breaker.logged_at > 60
            if log:
                _breaker.logged_at = now
        if log:
            logger.error("The cache's Redis is unreachable; serving without it (%s)", _breaker.last_error)

    def _forget_the_outage(self) -> None:
        """Redis answers again after a write was lost: empty the cache once (see the module's docstring)."""
        with _breaker.lock:
            if not _breaker.lost_writes:
                return
            _breaker.lost_writes = False
        super().clear()
        logger.warning("The cache's Redis is back: emptied it, as writes were lost while it was unreachable")

    # --- Django's cache API ---------------------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version, write=True)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, key, value, timeout, version, write=True)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version, write=True)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version, write=True)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        # Like a missing key: the callers of incr handle ValueError.
        result = self._call("incr", None, key, delta, version, write=True)
        if result is None:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set_many", [], data, timeout, version, write=True)
        return []

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version, write=True)

    def clear(self):
        return self._call("clear", False, write=True)

    def ping(self) -> bool:
        """Ask Redis itself, whatever the breaker says (the readiness check): True when it answers."""
        try:
            client = self._cache.get_client(write=False)
            ok = bool(client.ping())
        except RedisError as exc:
            self._failed(exc, write=False)
            return False
        if ok and time.monotonic() < _breaker.open_until:
            _breaker.open_until = 0.0  # it answers again: let the next call through
        return ok
