"""The page cache's mechanics: when versions move, what an evicted version does, the switch, the release."""

from django.core.cache import cache

from core import pagecache
from core.pagecache import GLOBAL, VERSION_PREFIX, user_scope


def token(scope: str) -> str | None:
    return cache.get(VERSION_PREFIX + scope)


def test_a_scope_gets_a_token_when_first_read_and_keeps_it(db):
    first = pagecache._tokens([user_scope(1), GLOBAL])
    again = pagecache._tokens([user_scope(1), GLOBAL])

    assert first == again and all(first.values())


def test_touch_outside_a_transaction_moves_the_token_once(db):
    before = pagecache._tokens([user_scope(1)])[user_scope(1)]

    pagecache.touch(user_scope(1))

    assert token(user_scope(1)) not in (None, before)


def test_touch_in_a_transaction_moves_the_token_at_once_and_again_at_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pagecache.touch(user_scope(1), user_scope(2))
        at_once = token(user_scope(1))

    assert at_once is not None and len(callbacks) == 1
    callbacks[0]()
    assert token(user_scope(1)) not in (None, at_once)


def test_an_evicted_token_makes_every_entry_under_it_miss(world, client):
    client.force_login(world.member)
    for _ in range(2):
        client.get("/")
    assert client.get("/")["X-Page-Cache"] == "hit"

    cache.delete(VERSION_PREFIX + user_scope(world.member.pk))

    assert [client.get("/")["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]


def test_with_the_cache_off_touch_writes_nothing(db, settings):
    settings.PAGE_CACHE = False

    pagecache.touch(user_scope(1), GLOBAL)

    assert (token(user_scope(1)), token(GLOBAL)) == (None, None)


def test_a_global_touch_ends_every_entry(world, client):
    client.force_login(world.member)
    for _ in range(2):
        client.get("/")

    pagecache.touch(GLOBAL)

    assert client.get("/")["X-Page-Cache"] == "miss"


def test_the_release_digest_is_stable_within_a_process():
    assert pagecache.release() == pagecache.release() and len(pagecache.release()) == 12
