"""Accounts that work on day one: invitations, password links (mailed, handed over, renewed), "forgot my password"
for an account that never signed in, the board's list and changes, provinces and board staff in the app."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from blocs.accounts import links, selectors, services
from blocs.models import Person, Province, SetupLink, UnitChange
from core.models import AuditLog, OutboxMessage, User
from tests.factories import ProvinceFactory, UnitFactory, board_of, officer_of

LINK_RE = re.compile(r"https?://\S+/accounts/setup/([A-Za-z0-9_-]+)/")
PASSWORD = "Thi-dua-2026!"


def _token(message) -> str:
    body = message.body if hasattr(message, "body") else str(message)
    match = LINK_RE.search(body)
    assert match, body
    return match.group(1)


def _sign_in(client, username, password) -> bool:
    """Through the login page, as a person would (django-axes needs the request)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and response.url == reverse("dashboards:home")


def _create(world, capture, *, username="nguyenvana", email="nguyenvana@tuyenquang.gov.vn", unit=None, by=None, **kw):
    with capture(execute=True):
        return services.account_create(
            by=by or world.board,
            username=username,
            full_name="Nguyễn Văn A",
            email=email,
            unit=unit or world.member_unit,
            **kw,
        )


# --- the check of the issue: create, take the link from the message, set a password, sign in ---------------


def test_a_person_created_by_the_board_chooses_a_password_from_the_mailed_link_and_signs_in(
    world, client, django_capture_on_commit_callbacks
):
    person = _create(world, django_capture_on_commit_callbacks)
    assert not person.user.has_usable_password()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nguyenvana@tuyenquang.gov.vn"]
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    # In the recipient's language (Vietnamese by default), naming the unit and who invited them.
    assert "Khối thi đua" in message.subject
    assert world.member_unit.name in message.body
    assert str(world.board) in message.body
    assert "nguyenvana" in message.body
    token = _token(message)

    page = client.get(reverse("accounts:setup", args=[token]))
    assert page.status_code == 200
    assert "nguyenvana" in page.content.decode()
    assert page["Cache-Control"].startswith("no-store")

    response = client.post(
        reverse("accounts:setup", args=[token]), {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 302 and response.url == reverse("dashboards:home")
    assert client.get(reverse("dashboards:home")).status_code == 200  # signed in
    client.logout()
    assert _sign_in(client, "nguyenvana", PASSWORD)
    link = SetupLink.objects.get(user=person.user)
    assert link.used_at is not None
    assert AuditLog.objects.filter(action="blocs.account.password_set", actor=person.user).exists()


def test_the_invitation_is_in_the_recipients_language(world, django_capture_on_commit_callbacks):
    person = _create(world, django_capture_on_commit_callbacks)
    person.user.language = "en"
    person.user.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(person=person, by=world.board)
    message = mail.outbox[0]
    assert message.subject == "Your account on Khối thi đua"
    assert f"emulation officer of {world.member_unit.name}" in message.body


def test_board_staff_invitation_names_the_board(world, django_capture_on_commit_callbacks):
    province = world.bloc.province
    with django_capture_on_commit_callbacks(execute=True):
        services.account_create(
            by=world.admin, username="ban2", full_name="Trần Thị B", email="ban2@tq.gov.vn", board_province=province
        )
    body = mail.outbox[0].body
    assert f"Ban Thi đua - Khen thưởng tỉnh {province.name}" in body
    assert "quản trị hệ thống" in body


# --- dead links: used, expired, voided, tampered, deactivated ---------------------------------------------


def test_a_used_link_says_so_and_offers_a_new_one(world, client, django_capture_on_commit_callbacks):
    person = _create(world, django_capture_on_commit_callbacks)
    token = _token(mail.outbox[0])
    url = reverse("accounts:setup", args=[token])
    client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    client.logout()

    again = client.get(url)
    assert again.status_code == 410
    assert "Đường liên kết này đã được dùng" in again.content.decode()
    replay = client.post(url, {"new_password1": "Khac-hon-2026!", "new_password2": "Khac-hon-2026!"})
    assert replay.status_code == 410
    person.user.refresh_from_db()
    assert person.user.check_password(PASSWORD)  # the replay changed nothing

    mail.outbox.clear()
    # Asked again at once: one link a minute per account, whoever asks.
    wait = client.post(reverse("accounts:setup-renew", args=[token]))
    assert "Một đường liên kết vừa được gửi" in wait.content.decode()
    SetupLink.objects.filter(user=person.user).update(created_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        renewed = client.post(reverse("accounts:setup-renew", args=[token]))
    assert renewed.status_code == 200
    # The new link goes to the account's own address, never to whoever holds the old one.
    assert [m.to for m in mail.outbox] == [["nguyenvana@tuyenquang.gov.vn"]]
    assert _token(mail.outbox[0]) != token
    assert SetupLink.objects.filter(user=person.user, purpose=SetupLink.Purpose.RESET).count() == 1


def test_an_expired_link_says_so(world, client, django_capture_on_commit_callbacks):
    person = _create(world, django_capture_on_commit_callbacks)
    token = _token(mail.outbox[0])
    SetupLink.objects.filter(user=person.user).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("accounts:setup", args=[token]))
    assert response.status_code == 410
    assert "Đường liên kết này đã hết hạn" in response.content.decode()
    post = client.post(reverse("accounts:setup", args=[token]), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert post.status_code == 410
    person.user.refresh_from_db()
    assert not person.user.has_usable_password()


def test_the_invitation_lasts_the_configured_number_of_days(world, settings, django_capture_on_commit_callbacks):
    settings.ACCOUNT_INVITATION_DAYS = 3
    person = _create(world, django_capture_on_commit_callbacks)
    link = SetupLink.objects.get(user=person.user)
    assert timedelta(days=3) - (link.expires_at - link.created_at) < timedelta(seconds=1)


def test_a_new_link_voids_the_older_one(world, client, django_capture_on_commit_callbacks):
    person = _create(world, django_capture_on_commit_callbacks)
    first = _token(mail.outbox[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(person=person, by=world.board)
    second = _token(mail.outbox[1])
    response = client.get(reverse("accounts:setup", args=[first]))
    assert response.status_code == 410
    assert "Một đường liên kết mới hơn" in response.content.decode()
    assert client.get(reverse("accounts:setup", args=[second])).status_code == 200


@pytest.mark.parametrize("tamper", ["unknown", "short", "long", "changed"])
def test_a_tampered_or_unknown_link_is_refused_plainly(world, client, django_capture_on_commit_callbacks, tamper):
    _create(world, django_capture_on_commit_callbacks)
    real = _token(mail.outbox[0])
    token = {
        "unknown": "x" * 43,
        "short": real[:10],
        "long": real * 5,
        "changed": real[:-1] + ("A" if real[-1] != "A" else "B"),
    }[tamper]
    response = client.get(f"/accounts/setup/{token}/")
    assert response.status_code == 404
    assert "Đường liên kết không hợp lệ" in response.content.decode()
    assert client.post(f"/accounts/setup/{token}/renew/").status_code == 404


def test_a_link_of_a_deactivated_account_does_nothing(world, client, django_capture_on_commit_callbacks):
    person = _create(world, django_capture_on_commit_callbacks)
    token = _token(mail.outbox[0])
    services.account_set_active(person=person, active=False, by=world.board)
    response = client.get(reverse("accounts:setup", args=[token]))
    assert response.status_code == 410
    assert "Tài khoản này đã bị khóa" in response.content.decode()
    post = client.post(reverse("accounts:setup", args=[token]), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert post.status_code == 410
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:setup-renew", args=[token]))
    assert mail.outbox == []


def test_a_weak_password_is_refused_in_vietnamese_and_the_link_stays_live(
    world, client, django_capture_on_commit_callbacks
):
    person = _create(world, django_capture_on_commit_callbacks)
    token = _token(mail.outbox[0])
    response = client.post(reverse("accounts:setup", args=[token]), {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert "Mật khẩu" in response.content.decode()
    assert SetupLink.objects.get(user=person.user).is_live()


# --- forgot my password -------------------------------------------------------------------------------------


def test_forgot_password_works_for_an_account_that_never_signed_in(world, client, django_capture_on_commit_callbacks):
    person = _create(world, django_capture_on_commit_callbacks, invite=False)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "NguyenVanA@TuyenQuang.gov.vn"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    token = _token(mail.outbox[0])
    client.post(reverse("accounts:setup", args=[token]), {"new_password1": PASSWORD, "new_password2": PASSWORD})
    person.user.refresh_from_db()
    assert person.user.check_password(PASSWORD)


def test_forgot_password_for_a_signed_in_account_sends_a_reset(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": world.member.email})
    assert len(mail.outbox) == 1
    assert SetupLink.objects.get(user=world.member).purpose == SetupLink.Purpose.RESET
    assert "mật khẩu mới" in mail.outbox[0].subject


@pytest.mark.parametrize("case", ["unknown", "inactive", "again"])
def test_forgot_password_says_the_same_and_sends_nothing_more(world, client, django_capture_on_commit_callbacks, case):
    email = world.member.email
    if case == "unknown":
        email = "khong-co@example.vn"
    elif case == "inactive":
        world.member.is_active = False
        world.member.save()
    elif case == "again":
        services.password_reset_request(email=email)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


# --- links handed over (no mail) --------------------------------------------------------------------------


def test_the_board_prints_links_for_many_accounts_once_each_audited(
    world, client_as, django_capture_on_commit_callbacks
):
    people = [
        _create(world, django_capture_on_commit_callbacks, username=f"cb{i}", email=f"cb{i}@tq.gov.vn", invite=False)
        for i in range(3)
    ]
    mailed = _token(mail.outbox[0]) if mail.outbox else None
    assert mailed is None
    client = client_as(world.board)
    response = client.post(reverse("accounts:handover"), {"people": [p.pk for p in people]})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    page = response.content.decode()
    tokens = LINK_RE.findall(page)
    assert len(tokens) == 3
    for person in people:
        assert person.user.username in page
    assert AuditLog.objects.filter(action="blocs.account.link_issued").count() == 3
    # Printing again voids the first sheet's links.
    client.post(reverse("accounts:handover"), {"people": [people[0].pk]})
    assert client.get(reverse("accounts:setup", args=[tokens[0]])).status_code == 410
    assert client.get(reverse("accounts:setup", args=[tokens[1]])).status_code == 200


def test_links_for_another_provinces_people_are_refused(world, client_as, django_capture_on_commit_callbacks):
    person = _create(world, django_capture_on_commit_callbacks, invite=False)
    # Another province's board may not know the province exists: not found. Its own officers see it: refused.
    response = client_as(world.other_board).post(reverse("accounts:handover"), {"people": [person.pk]})
    assert response.status_code == 404
    assert not SetupLink.objects.filter(user=person.user).exists()
    for user in (world.member, world.leader):
        assert client_as(user).post(reverse("accounts:handover"), {"people": [person.pk]}).status_code == 403


# --- the board's list and changes ---------------------------------------------------------------------------


def test_the_list_shows_each_status(world, client_as, django_capture_on_commit_callbacks):
    invited = _create(world, django_capture_on_commit_callbacks, username="moi", email="moi@tq.gov.vn")
    expired = _create(world, django_capture_on_commit_callbacks, username="het", email="het@tq.gov.vn")
    SetupLink.objects.filter(user=expired.user).update(expires_at=timezone.now() - timedelta(days=1))
    quiet = _create(world, django_capture_on_commit_callbacks, username="chua", email="chua@tq.gov.vn", invite=False)
    gone = _create(world, django_capture_on_commit_callbacks, username="nghi", email="nghi@tq.gov.vn")
    services.account_set_active(person=gone, active=False, by=world.board)
    rows = {row.user.username: row.status for row in selectors.accounts(province=world.bloc.province)}
    assert rows["moi"] == selectors.Status.INVITED
    assert rows["het"] == selectors.Status.EXPIRED
    assert rows["chua"] == selectors.Status.NOT_INVITED
    assert rows["nghi"] == selectors.Status.INACTIVE
    assert rows[world.member.username] == selectors.Status.ACTIVE
    assert invited and quiet

    page = client_as(world.board).get(reverse("accounts:people")).content.decode()
    assert "Đã mời" in page and "Lời mời đã hết hạn" in page and "Đã khóa" in page
    filtered = client_as(world.board).get(reverse("accounts:people"), {"status": "expired"}).content.decode()
    assert "het@tq.gov.vn" in filtered and "moi@tq.gov.vn" not in filtered


def test_the_list_costs_the_same_queries_for_5_or_40_accounts(world, client_as, django_assert_max_num_queries):
    client = client_as(world.board)
    client.get(reverse("accounts:people"))
    for _ in range(5):
        officer_of(world.member_unit)
    with django_assert_max_num_queries(10):
        client.get(reverse("accounts:people"))
    for _ in range(35):
        officer_of(UnitFactory(province=world.bloc.province))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("accounts:people")).status_code == 200


def test_an_officer_moves_to_another_unit_with_history(world, client_as):
    person = world.member.person
    client = client_as(world.board)
    response = client.post(
        reverse("accounts:person-move", args=[person.pk]), {"unit": world.outsider_unit.pk, "note": "QĐ 12/QĐ-UBND"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.unit == world.outsider_unit
    change = UnitChange.objects.get(person=person)
    assert (change.from_unit, change.to_unit, change.changed_by) == (
        world.member_unit,
        world.outsider_unit,
        world.board,
    )
    page = client.get(reverse("accounts:person", args=[person.pk])).content.decode()
    assert "QĐ 12/QĐ-UBND" in page
    # Another province's unit is not offered and is refused.
    foreign = UnitFactory(province=ProvinceFactory())
    refused = client.post(reverse("accounts:person-move", args=[person.pk]), {"unit": foreign.pk})
    assert refused.status_code == 200
    person.refresh_from_db()
    assert person.unit == world.outsider_unit
    with pytest.raises(ValidationError):
        services.account_move(person=person, unit=foreign, by=world.board)


def test_changing_the_email_voids_links_and_refuses_an_address_in_use(
    world, client_as, django_capture_on_commit_callbacks
):
    person = _create(world, django_capture_on_commit_callbacks)
    token = _token(mail.outbox[0])
    client = client_as(world.board)
    other = board_of(ProvinceFactory(name="Hà Giang 2", code="HG2"))
    taken = client.post(
        reverse("accounts:person-edit", args=[person.pk]),
        {"full_name": "Nguyễn Văn A", "email": other.email.upper(), "position": "", "phone": ""},
    )
    assert taken.status_code == 200
    assert "đã được dùng cho một tài khoản khác" in taken.content.decode()
    assert other.username not in taken.content.decode()  # nothing about the other account
    person.user.refresh_from_db()
    assert person.user.email == "nguyenvana@tuyenquang.gov.vn"

    ok = client.post(
        reverse("accounts:person-edit", args=[person.pk]),
        {"full_name": "Nguyễn Văn An", "email": "an@tq.gov.vn", "position": "Chuyên viên", "phone": "0912"},
    )
    assert ok.status_code == 302
    person.user.refresh_from_db()
    assert (person.user.email, person.user.full_name) == ("an@tq.gov.vn", "Nguyễn Văn An")
    assert client_as(None).get(reverse("accounts:setup", args=[token])).status_code == 410


@pytest.mark.parametrize("clash", ["username", "email"])
def test_a_login_or_email_of_another_province_is_refused_without_saying_whose(
    world, client_as, django_capture_on_commit_callbacks, clash
):
    foreign = board_of(ProvinceFactory(name="Cao Bằng", code="CB"))
    data = {"username": "moi.canbo", "full_name": "Cán bộ mới", "email": "moi.canbo@tq.gov.vn", "invite": "on"}
    data[clash] = foreign.username.upper() if clash == "username" else foreign.email.upper()
    before = User.objects.count()
    response = client_as(world.board).post(reverse("accounts:unit-officers", args=[world.member_unit.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert ("đã được sử dụng" if clash == "username" else "đã được dùng cho một tài khoản khác") in page
    assert "Cao Bằng" not in page
    assert User.objects.count() == before
    assert mail.outbox == []


def test_the_database_keeps_addresses_unique_whatever_the_case(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="sao", email=world.member.email.upper())


def test_deactivating_keeps_the_history_and_stops_sign_in(world, client_as, client):
    person = world.member.person
    AuditLog.objects.create(actor=world.member, action="scoring.sheet.submitted")
    response = client_as(world.board).post(reverse("accounts:person-active", args=[person.pk]), {"active": "0"})
    assert response.status_code == 302
    world.member.refresh_from_db()
    assert not world.member.is_active
    assert AuditLog.objects.filter(actor=world.member, action="scoring.sheet.submitted").exists()
    client.logout()
    assert not _sign_in(client, world.member.username, "pw")
    client_as(world.board).post(reverse("accounts:person-active", args=[person.pk]), {"active": "1"})
    world.member.refresh_from_db()
    assert world.member.is_active


def test_board_staff_cannot_deactivate_themselves(world):
    with pytest.raises(ValidationError):
        services.account_set_active(person=world.board.person, active=False, by=world.board)


# --- board staff and provinces -----------------------------------------------------------------------------


def test_board_staff_add_a_colleague_of_their_own_province_only(world, client_as, django_capture_on_commit_callbacks):
    data = {"username": "ban.moi", "full_name": "Lê Văn C", "email": "ban.moi@tq.gov.vn", "invite": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(world.board).post(reverse("accounts:staff-create"), data)
    assert response.status_code == 302
    person = Person.objects.get(user__username="ban.moi")
    assert person.board_province == world.bloc.province
    assert len(mail.outbox) == 1
    with pytest.raises(Http404):  # another province's board may not know the province exists
        services.account_create(
            by=world.other_board,
            username="x1",
            full_name="X",
            email="x1@x.vn",
            board_province=world.bloc.province,
        )
    with pytest.raises(PermissionDenied):
        services.account_create(
            by=world.leader, username="x2", full_name="X", email="x2@x.vn", board_province=world.bloc.province
        )


def test_the_system_administrator_creates_a_province_and_its_first_board_account(
    world, client_as, django_capture_on_commit_callbacks
):
    client = client_as(world.admin)
    response = client.post(
        reverse("accounts:province-create"), {"name": "Hà  Nam", "code": "hnam", "authority_name": ""}
    )
    assert response.status_code == 302
    province = Province.objects.get(code="HNAM")
    assert province.name == "Hà Nam"
    assert province.header_name == "UBND TỈNH HÀ NAM"
    data = {"username": "ban.hanam", "full_name": "Phạm Thị D", "email": "ban@hanam.gov.vn", "invite": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:province", args=[province.pk]), data)
    assert response.status_code == 302
    assert Person.objects.get(user__username="ban.hanam").board_province == province
    assert "Hà Nam" in mail.outbox[0].body
    home = client.get(reverse("accounts:system")).content.decode()
    assert "Hà Nam" in home and "UBND TỈNH HÀ NAM" in home
    assert AuditLog.objects.filter(action="blocs.province.created").exists()


def test_a_city_province_writes_its_own_header(world, client_as):
    client = client_as(world.admin)
    client.post(
        reverse("accounts:province-create"),
        {"name": "Hà Nội", "code": "HN", "authority_name": "ubnd thành phố hà nội"},
    )
    assert Province.objects.get(code="HN").header_name == "UBND THÀNH PHỐ HÀ NỘI"


def test_forms_show_examples_from_the_viewers_own_province(world, client_as):
    page = client_as(world.other_board).get(reverse("blocs:unit-create")).content.decode()
    assert "UBND TỈNH HÀ GIANG" in page
    assert "TUYÊN QUANG" not in page
    page = client_as(world.other_board).get(reverse("blocs:bloc-create")).content.decode()
    assert "tỉnh Hà Giang" in page and "Tuyên Quang" not in page


def test_the_link_is_single_use_under_a_race(world, django_capture_on_commit_callbacks):
    person = _create(world, django_capture_on_commit_callbacks)
    link = links.find(_token(mail.outbox[0]))
    services.link_use(link=link, password=PASSWORD)
    with pytest.raises(ValidationError):
        services.link_use(link=link, password="Other-pass-2026")
    person.user.refresh_from_db()
    assert person.user.check_password(PASSWORD)


def test_the_token_is_not_stored(world, django_capture_on_commit_callbacks):
    _create(world, django_capture_on_commit_callbacks)
    token = _token(mail.outbox[0])
    assert not SetupLink.objects.filter(token_hash=token).exists()
    assert SetupLink.objects.filter(token_hash=links.digest(token)).exists()
