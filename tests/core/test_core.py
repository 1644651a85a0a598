"""Core: upload checks, language, security headers, health check, sign-in lock-out, permissions, private files."""

import io
import zipfile

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.permissions import can, ensure_can
from core.validators import DOCX, PDF, UploadValidator, sniff
from tests.factories import BlocFactory, UserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48


def docx_bytes() -> bytes:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def docx_layout_with_garbage() -> bytes:
    """The parts of a DOCX, so the type sniffing says DOCX, with a main part that is not XML at all."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00\x01 not xml <<<")
    return buffer.getvalue()


def refusal(validator, upload) -> str | None:
    try:
        validator(upload)
    except ValidationError as error:
        return error.code
    return None


# --- uploads ---------------------------------------------------------------------------------------------

PDF_OR_DOCX = UploadValidator(("pdf", "docx"))


@pytest.mark.parametrize(
    ("name", "content", "validator", "code"),
    [
        pytest.param("quy-che.pdf", PDF_BYTES, PDF_OR_DOCX, None, id="pdf-accepted"),
        pytest.param("QUY-CHE.PDF", PDF_BYTES, PDF_OR_DOCX, None, id="pdf-upper-case-name-accepted"),
        pytest.param("quy-che.docx", docx_bytes(), PDF_OR_DOCX, None, id="docx-from-zip-content-accepted"),
        pytest.param("setup.pdf", EXE_BYTES, PDF_OR_DOCX, "bad_type", id="exe-renamed-pdf-refused"),
        pytest.param("empty.pdf", b"", PDF_OR_DOCX, "empty", id="empty-refused"),
        pytest.param("big.pdf", PDF_BYTES, UploadValidator(("pdf",), max_bytes=32), "too_large", id="oversized"),
        pytest.param("quy-che.docx", PDF_BYTES, PDF_OR_DOCX, "bad_extension", id="pdf-named-docx-refused"),
        pytest.param("quy-che.pdf", docx_bytes(), UploadValidator(("pdf",)), "bad_type", id="docx-where-pdf-only"),
        pytest.param("fake.docx", b"PK\x03\x04 not really a zip", PDF_OR_DOCX, "bad_type", id="broken-zip-refused"),
        pytest.param(
            "bao-cao.docx", docx_layout_with_garbage(), PDF_OR_DOCX, "broken_docx", id="docx-that-does-not-open-refused"
        ),
    ],
)
def test_upload_validator(name, content, validator, code):
    assert refusal(validator, SimpleUploadedFile(name, content)) == code


def test_upload_over_the_settings_limit_refused(settings):
    settings.UPLOAD_MAX_BYTES = len(PDF_BYTES) - 1

    assert refusal(PDF_OR_DOCX, SimpleUploadedFile("a.pdf", PDF_BYTES)) == "too_large"


def test_upload_at_the_settings_limit_accepted(settings):
    settings.UPLOAD_MAX_BYTES = len(PDF_BYTES)

    assert refusal(PDF_OR_DOCX, SimpleUploadedFile("a.pdf", PDF_BYTES)) is None


def test_sniff_reads_the_content_and_rewinds():
    upload = SimpleUploadedFile("x.bin", docx_bytes())

    kinds = (sniff(upload), sniff(SimpleUploadedFile("y.bin", PDF_BYTES)))

    assert kinds == (DOCX, PDF)
    assert upload.tell() == 0


def test_refusal_message_names_the_file():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        PDF_OR_DOCX(SimpleUploadedFile("setup.pdf", EXE_BYTES))

    assert refused.value.params == {"name": "setup.pdf", "allowed": "PDF or DOCX"}


# --- language --------------------------------------------------------------------------------------------


def test_language_switch_remembers_the_users_choice(db, client_as):
    user = UserFactory()
    client = client_as(user)

    response = client.post(reverse("core:set-language"), {"language": "en", "next": "/accounts/password_change/"})

    user.refresh_from_db()
    assert (response.status_code, response.url) == (302, "/accounts/password_change/")
    assert user.language == "en"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_language_switch_before_sign_in_sets_only_the_cookie(db, client):
    response = client.post(reverse("core:set-language"), {"language": "en", "next": "/accounts/login/"})

    assert (response.status_code, response.url) == (302, "/accounts/login/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get(reverse("login"))["Content-Language"] == "en"


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/path", "http://evil.example@127.0.0.1.evil.example/"],
)
def test_language_switch_ignores_a_next_url_on_another_host(db, client, next_url):
    response = client.post(reverse("core:set-language"), {"language": "vi", "next": next_url})

    assert (response.status_code, response.url) == (302, "/")


def test_language_switch_ignores_an_unknown_language(db, client_as):
    user = UserFactory()
    client = client_as(user)

    response = client.post(reverse("core:set-language"), {"language": "fr", "next": "/"})

    user.refresh_from_db()
    assert user.language == "vi"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_an_english_browser_still_gets_vietnamese(db, client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert (response["Content-Language"], response.wsgi_request.LANGUAGE_CODE) == ("vi", "vi")
    assert '<html lang="vi">' in response.content.decode()


def test_a_user_who_chose_english_gets_english(db, client_as):
    user = UserFactory(language="en")

    response = client_as(user).get(reverse("dashboards:home"), HTTP_ACCEPT_LANGUAGE="vi")

    assert (response["Content-Language"], response.wsgi_request.LANGUAGE_CODE) == ("en", "en")
    assert '<html lang="en">' in response.content.decode()


def test_the_users_choice_wins_over_the_cookie(db, client_as):
    user = UserFactory(language="vi")
    client = client_as(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("dashboards:home"))

    assert response["Content-Language"] == "vi"


# --- headers and health ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["login", "core:healthz", "password_reset"])
def test_csp_header_on_responses(db, client, name):
    response = client.get(reverse(name))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_csp_header_on_error_pages(db, client_as):
    user = UserFactory()

    response = client_as(user).get(reverse("blocs:unit-list"))

    assert response.status_code == 403
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_pages_have_no_inline_script_or_style(world, client_as):
    """The policy forbids inline code, so a page that used some would break in the browser."""
    import re

    html = client_as(world.leader).get(reverse("dashboards:home")).content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"<style\b", html) == []
    assert re.findall(r"\sstyle=", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []


def test_healthz(db, client):
    response = client.get(reverse("core:healthz"))

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-cache" in response["Cache-Control"]


# --- sign-in lock-out (django-axes) ----------------------------------------------------------------------


@pytest.fixture
def account(db):
    return UserFactory(username="nguyenvana")  # password "pw"


def login(client, username, password, address="10.1.2.3"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_test_settings_lock_after_three_failures():
    assert settings.AXES_FAILURE_LIMIT == 3


def test_a_good_password_signs_in(account, client):
    response = login(client, "nguyenvana", "pw")

    assert (response.status_code, response.url) == (302, reverse("dashboards:home"))


def test_failed_logins_lock_the_username(account, client):
    failures = [login(client, "nguyenvana", "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]

    locked = login(client, "nguyenvana", "pw")

    # The failures before the limit show the form again; the one that reaches it is already refused.
    assert failures == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboards:home")).status_code == 302  # still sent to the login page
    assert "registration/locked_out.html" in [t.name for t in locked.templates]


def test_a_lock_holds_the_username_from_every_address(account, client):
    # Per account across addresses (issue 17): spreading guesses over addresses gains nothing; the board or a
    # mailed password link lifts the lock (tests/blocs/test_throttles.py).
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "nguyenvana", "wrong")

    from_elsewhere = login(client, "nguyenvana", "pw", address="10.9.9.9")

    assert from_elsewhere.status_code == 429


def test_a_success_resets_the_count(account, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "nguyenvana", "wrong")
    login(client, "nguyenvana", "pw")
    client.logout()

    later = [login(client, "nguyenvana", "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT - 1)]

    assert later == [200] * (settings.AXES_FAILURE_LIMIT - 1)


# --- permissions -----------------------------------------------------------------------------------------


def test_can_refuses_an_unknown_action(db):
    with pytest.raises(ImproperlyConfigured):
        can(UserFactory(), "blocs.no-such-action")


def test_an_unknown_action_is_an_error_even_for_anonymous():
    with pytest.raises(ImproperlyConfigured):
        can(AnonymousUser(), "blocs.no-such-action")


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_can_is_false_for_anonymous(world, user):
    assert [can(user, action, obj) for action, obj in actions_of(world)] == [False] * len(actions_of(world))


def test_can_is_false_for_an_inactive_board_member(world):
    world.board.is_active = False
    world.board.save()

    assert [can(world.board, action, obj) for action, obj in actions_of(world)] == [False] * len(actions_of(world))


def actions_of(world):
    return [
        ("blocs.setup", world.bloc.province),
        ("blocs.bloc.view", world.bloc),
        ("blocs.bloc.manage", world.bloc),
        ("blocs.year.view", world.year),
        ("blocs.year.manage", world.year),
        ("blocs.calendar.edit", world.year),
        ("blocs.year.lead", world.year),
    ]


def test_every_action_for_the_board_and_the_leader(world):
    board = [can(world.board, action, obj) for action, obj in actions_of(world)]
    leader = [can(world.leader, action, obj) for action, obj in actions_of(world)]

    assert board == [True, True, True, True, True, True, False]
    assert leader == [False, True, False, True, False, True, True]


def test_ensure_can_raises_permission_denied(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        ensure_can(world.member, "blocs.bloc.manage", world.bloc)


# --- private files ---------------------------------------------------------------------------------------


@pytest.fixture
def private_root(settings, tmp_path):
    """A fresh private storage per test, so stored names are the names given."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


@pytest.fixture
def regulation_bloc(world, private_root):
    bloc = world.bloc
    bloc.regulation_file.save("quy-che-108.pdf", ContentFile(PDF_BYTES), save=True)
    return bloc


@pytest.mark.parametrize("role", ["board", "leader", "deputy", "member"])
def test_regulation_download_for_permitted_roles(regulation_bloc, world, client_as, role):
    response = client_as(world.user(role)).get(reverse("blocs:bloc-regulation", kwargs={"slug": "ktdnc"}))

    body = b"".join(response.streaming_content)
    response.close()
    assert (response.status_code, body) == (200, PDF_BYTES)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="quy-che-ktdnc.pdf"'
    assert response["Cache-Control"] == "private, no-store"


# None of them may know the bloc (no unit of it, not its province's board): 404, as for a bloc that does not exist.
@pytest.mark.parametrize(("role", "status"), [("outsider", 404), ("other_board", 404), ("admin", 404)])
def test_regulation_download_refused(regulation_bloc, world, client_as, role, status):
    response = client_as(world.user(role)).get(reverse("blocs:bloc-regulation", kwargs={"slug": "ktdnc"}))

    assert response.status_code == status
    assert PDF_BYTES not in response.content


def test_regulation_download_for_anonymous_goes_to_login(regulation_bloc, client):
    response = client.get(reverse("blocs:bloc-regulation", kwargs={"slug": "ktdnc"}))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_no_regulation_file_is_404(world, client_as):
    response = client_as(world.board).get(reverse("blocs:bloc-regulation", kwargs={"slug": "ktdnc"}))

    assert response.status_code == 404


def test_private_storage_has_no_public_url(regulation_bloc, private_root, client_as, world):
    name = regulation_bloc.regulation_file.name

    with pytest.raises(NotImplementedError):
        regulation_bloc.regulation_file.url  # noqa: B018
    with pytest.raises(NotImplementedError):
        default_storage.url(name)
    assert default_storage.path(name) == str(private_root / "blocs" / "regulations" / "quy-che-108.pdf")
    client = client_as(world.board)
    guesses = [f"/{name}", f"{settings.MEDIA_URL}{name}", f"/media/{name}", f"{settings.STATIC_URL}{name}"]
    assert [client.get(url).status_code for url in guesses] == [404] * len(guesses)


def test_the_default_private_root_is_outside_static_files():
    from pathlib import Path

    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    public = [
        Path(settings.STATIC_ROOT).resolve(),
        *(Path(d if isinstance(d, str | Path) else d[1]).resolve() for d in settings.STATICFILES_DIRS),
    ]
    assert [p for p in public if private == p or p in private.parents] == []


def test_regulation_file_of_a_new_bloc(db, private_root):
    bloc = BlocFactory(regulation_file=ContentFile(PDF_BYTES, name="qc.pdf"))

    with bloc.regulation_file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
