"""Settings for the test suite: fast hashing, eager Celery unless a test starts a real worker."""

import tempfile

from . import *  # noqa: F403
from . import env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="ktd-test-private-")
AXES_FAILURE_LIMIT = 3
# The suite runs in one process (the test worker is a thread of it), so the memory cache is shared: the page
# cache is on, and every page test also checks it serves nothing stale.
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
# Database sessions whether or not Redis is configured, so that every page's query count is the same with and
# without it (production reads sessions from Redis: one query less than the counts the tests assert).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Tests that need Redis read these; CI points them at a throwaway server.
TEST_REDIS_URL = env.str("TEST_REDIS_URL", default=env.str("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15"))
