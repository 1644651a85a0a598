"""Throttles on the anonymous pages (issue 17): failed sign-ins per account from every address and per address
across accounts, the client address behind a trusted proxy only, the board's audited unlock, and "forgot my
password" limited per account and per address, answered the same way whoever asks, its mail sent by the worker."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from blocs.accounts import throttles
from blocs.models import SetupLink
from core.models import AuditLog, OutboxMessage
from core.net import client_ip

LINK_RE = re.compile(r"https?://\S+/accounts/setup/([A-Za-z0-9_-]+)/")


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5
    settings.LOGIN_FAILURES_PER_ADDRESS = 30
    settings.TRUSTED_PROXIES = []


def login(client, username, password, address="10.1.2.3", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("dashboards:home")


# --- failed sign-ins -----------------------------------------------------------------------------------------


def test_five_wrong_passwords_from_five_addresses_lock_the_account(world, client):
    username = world.member.username

    statuses = [login(client, username, "sai", address=f"10.0.0.{n}").status_code for n in range(1, 6)]
    from_a_sixth = login(client, username, "pw", address="10.0.0.6")
    someone_else = login(client, world.leader.username, "pw", address="10.0.0.1")

    assert statuses == [200, 200, 200, 200, 429]
    assert from_a_sixth.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in from_a_sixth.templates]
    assert from_a_sixth.context["minutes"] == 15  # AXES_COOLOFF_HOURS 0.25
    assert signed_in(someone_else)  # the addresses stay free for other accounts


def test_one_address_guessing_many_accounts_is_limited(world, client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6

    guesses = [login(client, f"khong-co-{n}", "sai").status_code for n in range(6)]
    real_account_here = login(client, world.member.username, "pw")
    real_account_elsewhere = login(client, world.member.username, "pw", address="10.9.9.9")

    assert guesses == [200] * 5 + [429]
    assert real_account_here.status_code == 429
    assert signed_in(real_account_elsewhere)


def test_a_success_clears_the_accounts_failures_not_the_addresss(world, client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    for n in range(4):
        login(client, f"khong-co-{n}", "sai")
    login(client, world.member.username, "sai")

    assert signed_in(login(client, world.member.username, "pw"))
    client.logout()

    assert AccessAttempt.objects.filter(username=world.member.username).count() == 0
    # The 4 failures against other accounts are kept (the account's own one is forgotten): the 6th is refused.
    assert [login(client, f"khong-co-{n}", "sai").status_code for n in (8, 9)] == [200, 429]


# --- the client's address ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.7", "1.2.3.4", "203.0.113.7"),  # no proxy trusted: the header is ignored
        (["10.0.0.1"], "203.0.113.7", "1.2.3.4", "203.0.113.7"),  # not from the proxy: ignored
        (["10.0.0.1"], "10.0.0.1", "1.2.3.4", "1.2.3.4"),
        (["10.0.0.1"], "10.0.0.1", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # what the client wrote on the left is skipped
        (["10.0.0.0/24"], "10.0.0.1", "1.2.3.4, 10.0.0.2", "1.2.3.4"),  # two proxies of ours
        (["10.0.0.1"], "10.0.0.1", "rac, 1.2.3.4", "1.2.3.4"),
        (["10.0.0.1"], "10.0.0.1", "1.2.3.4, rac", "10.0.0.1"),  # garbage from our side: the proxy itself
        (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
        (["2001:db8::/32"], "2001:db8::1", "2001:db8:ffff::9, 198.51.100.4", "198.51.100.4"),
    ],
)
def test_client_ip(settings, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_x_forwarded_for_does_not_spread_guesses_unless_from_a_trusted_proxy(world, client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3

    spoofed = [
        login(client, f"khong-co-{n}", "sai", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}").status_code
        for n in range(3)
    ]
    assert spoofed == [200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}

    AccessAttempt.objects.all().delete()
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxied = [
        login(client, f"khong-co-{n}", "sai", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}").status_code
        for n in range(3)
    ]
    assert proxied == [200, 200, 200]
    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["1.1.1.0", "1.1.1.1", "1.1.1.2"]


# --- unlocking -------------------------------------------------------------------------------------------------


def _lock(client, username):
    for n in range(5):
        login(client, username, "sai", address=f"10.0.0.{n}")


def test_the_board_unlocks_an_account_from_its_accounts_page_audited(world, client, client_as):
    _lock(client, world.member.username)
    person = world.member.person

    board = client_as(world.board)
    page = board.get(reverse("accounts:people"))
    unlock_url = reverse("accounts:person-unlock", args=[person.pk])
    assert unlock_url in page.content.decode()
    assert [row.locked for row in page.context["rows"] if row.person.pk == person.pk] == [True]
    detail = board.get(reverse("accounts:person", args=[person.pk]))
    assert detail.context["account"].locked and unlock_url in detail.content.decode()

    response = board.post(unlock_url, {"next": reverse("accounts:people")})

    assert (response.status_code, response.url) == (302, reverse("accounts:people"))
    entry = AuditLog.objects.get(action="blocs.person.unlocked")
    assert (entry.actor, entry.target_id, entry.data) == (world.board, str(person.pk), {"failures": 5})
    assert throttles.locked_usernames([world.member.username]) == set()
    board.logout()
    assert signed_in(login(client, world.member.username, "pw", address="10.0.0.1"))


def test_a_password_link_from_the_mailbox_also_lifts_the_lock(world, client, django_capture_on_commit_callbacks):
    _lock(client, world.member.username)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": world.member.email}, REMOTE_ADDR="10.0.0.1")
    token = LINK_RE.search(mail.outbox[-1].body).group(1)
    new = "Mat-khau-moi-2026!"

    client.post(reverse("accounts:setup", args=[token]), {"new_password1": new, "new_password2": new})
    client.logout()

    assert signed_in(login(client, world.member.username, new))


# --- forgot my password ------------------------------------------------------------------------------------------


def test_reset_mails_are_limited_per_account(world, client, settings, django_capture_on_commit_callbacks):
    settings.ACCOUNT_LINK_RESEND_SECONDS = 0
    settings.PASSWORD_RESETS_PER_ACCOUNT = 3

    for n in range(6):  # from six addresses: the address limit is not what stops them
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("password_reset"), {"email": world.member.email}, REMOTE_ADDR=f"10.0.1.{n}")
        assert response.status_code == 302

    assert len(mail.outbox) == 3
    assert SetupLink.objects.filter(user=world.member).count() == 3
    assert AuditLog.objects.filter(action="blocs.account.reset_refused").count() == 3


def test_reset_requests_are_limited_per_address(world, client, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESETS_PER_ADDRESS = 3
    addresses = [world.member.email, world.leader.email, "khong-co@example.vn", world.deputy.email]

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [
            client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR="10.0.2.1").status_code
            for email in addresses
        ]
    refused = client.post(reverse("password_reset"), {"email": world.deputy.email}, REMOTE_ADDR="10.0.2.1")
    with django_capture_on_commit_callbacks(execute=True):
        elsewhere = client.post(reverse("password_reset"), {"email": world.deputy.email}, REMOTE_ADDR="10.0.2.2")

    assert statuses == [302, 302, 302, 429]
    assert refused.status_code == 429 and refused.context["form"].non_field_errors()
    assert elsewhere.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.member.email, world.leader.email, world.deputy.email])


def test_the_reset_answer_is_the_same_and_no_mail_work_happens_in_the_request(
    world, client, django_capture_on_commit_callbacks
):
    answers = {}
    for email in ("khong-co@example.vn", world.member.email):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR="10.0.3.1")
        # Inside the request: no mail sent, no link issued, no outbox row, whether the account exists or not.
        assert (len(mail.outbox), OutboxMessage.objects.count(), SetupLink.objects.count()) == (0, 0, 0)
        answers[email] = (response.status_code, response.url, response.content, len(callbacks))
        for callback in callbacks:  # then the worker (eager here) does the lookup
            with django_capture_on_commit_callbacks(execute=True):
                callback()
        # After it: an outbox row (and the mail, sent by the worker) only for the real account.
        expected = [world.member.email] if email == world.member.email else []
        assert list(OutboxMessage.objects.values_list("to_email", flat=True)) == expected
        assert [m.to[0] for m in mail.outbox] == expected
    assert (
        answers[world.member.email] == answers["khong-co@example.vn"] == (302, reverse("password_reset_done"), b"", 1)
    )
