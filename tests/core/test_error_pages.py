"""The error pages (400, 403, 404, 500, a refused form) in the reader's language, with the navigation; the favicon."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.test import Client, RequestFactory
from django.urls import path, reverse

from config import urls as project_urls
from core import errors
from tests.factories import UserFactory

# --- a urlconf of the test's own: the project's URLs and handlers, plus views that fail on purpose -----------


def boom(request):
    raise RuntimeError("a bug in a view")


def forbidden(request):
    raise PermissionDenied("tests.nothing")


urlpatterns = [
    *project_urls.urlpatterns,
    path("test-only/boom/", boom),
    path("test-only/forbidden/", forbidden),
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

HEADINGS = {
    400: {"vi": "Yêu cầu không hợp lệ", "en": "Bad request"},
    403: {"vi": "Không có quyền truy cập", "en": "Access denied"},
    404: {"vi": "Không tìm thấy trang", "en": "Page not found"},
    500: {"vi": "Đã có lỗi ở phía hệ thống", "en": "Something went wrong on our side"},
    "csrf": {"vi": "Không gửi được biểu mẫu", "en": "The form could not be sent"},
}
NAVIGATION = {"vi": 'aria-label="Điều hướng chính"', "en": 'aria-label="Main navigation"'}
HOME_LINK = {"vi": "Quay lại trang Tổng quan", "en": "Back to the home page"}


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


def html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def assert_error_page(response, *, status, language: str, heading_of) -> str:
    assert response.status_code == status
    page = html(response)
    assert f'<html lang="{language}">' in page
    assert NAVIGATION[language] in page
    assert f'<h1 class="h2 mb-3">{HEADINGS[heading_of][language]}</h1>' in page
    assert HOME_LINK[language] in page
    assert "Traceback" not in page and "Server Error" not in page
    return page


def in_language(client, language: str):
    client.cookies["ktd_language"] = language
    return client


LANGUAGES = ["vi", "en"]


# --- 404 --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_404_anonymous_in_the_cookie_language(client, language):
    response = in_language(client, language).get("/no-such-page/")

    page = assert_error_page(response, status=404, language=language, heading_of=404)
    assert f'href="{reverse("login")}"' in page  # anonymous: offered to sign in
    assert 'id="account-menu"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_404_signed_in_in_the_account_language_with_the_full_navigation(client, language):
    user = UserFactory(language=language)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get("/blocs/no-such-bloc/")

    page = assert_error_page(response, status=404, language=language, heading_of=404)
    assert 'id="account-menu"' in page and user.full_name in page
    assert 'action="/accounts/logout/"' in page


# --- 403 --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_403_of_a_real_page_says_to_contact_the_board(client_as, world, language):
    world.member.language = language
    world.member.save(update_fields=["language"])

    response = client_as(world.member).get(reverse("blocs:unit-list"))  # the board's page

    page = assert_error_page(response, status=403, language=language, heading_of=403)
    assert {"vi": "Ban Thi đua - Khen thưởng tỉnh", "en": "provincial emulation board"}[language] in page
    assert 'id="account-menu"' in page


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", LANGUAGES)
def test_403_anonymous(client, language):
    response = in_language(client, language).get("/test-only/forbidden/")

    page = assert_error_page(response, status=403, language=language, heading_of=403)
    assert f'href="{reverse("login")}"' in page


# --- 400 --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_400_of_a_host_not_allowed_before_any_middleware_knows_the_user(client, language):
    response = in_language(client, language).get("/", HTTP_HOST="evil.example")

    assert_error_page(response, status=400, language=language, heading_of=400)


# --- a refused form (CSRF) ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_without_its_token_is_refused_with_a_way_back_and_to_sign_in_again(language):
    client = in_language(Client(enforce_csrf_checks=True), language)
    login = reverse("login")

    response = client.post(login, {"username": "x", "password": "y"}, HTTP_REFERER=f"http://testserver{login}?next=/")

    page = assert_error_page(response, status=403, language=language, heading_of="csrf")
    assert {"vi": "Đăng nhập lại", "en": "Sign in again"}[language] in page
    assert f'href="{login}"' in page
    assert f'href="http://testserver{login}?next=/"' in page  # back to the form
    assert response.cookies["csrftoken"].value  # a fresh token, so that the next try works


@pytest.mark.django_db
def test_a_refused_form_never_links_back_to_another_site():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {}, HTTP_REFERER="https://evil.example/phish")

    assert response.status_code == 403
    assert "evil.example" not in html(response)


@pytest.mark.django_db
def test_a_signed_in_users_refused_form_keeps_the_navigation(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.leader, backend="django.contrib.auth.backends.ModelBackend")

    response = client.post(reverse("core:notification-read-all"))

    page = assert_error_page(response, status=403, language="vi", heading_of="csrf")
    assert 'id="account-menu"' in page


# --- 500 --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", LANGUAGES)
def test_500_of_a_view_that_raises(client, language):
    client.raise_request_exception = False

    response = in_language(client, language).get("/test-only/boom/")

    page = assert_error_page(response, status=500, language=language, heading_of=500)
    assert "a bug in a view" not in page


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_500_in_the_signed_in_users_language_without_a_cookie(client):
    client.force_login(UserFactory(language="en"), backend="django.contrib.auth.backends.ModelBackend")
    client.raise_request_exception = False

    response = client.get("/test-only/boom/")

    page = assert_error_page(response, status=500, language="en", heading_of=500)
    assert 'id="account-menu"' not in page  # the minimal layout: it knows nothing of the user


def test_the_500_page_needs_no_database():
    """No `db` mark: pytest-django blocks the database, so any query (the user's roles and notifications of the
    full layout's context processors, say) would raise here."""
    request = RequestFactory().get("/anything/")
    request.COOKIES["ktd_language"] = "en"
    request.user = UserFactory.build()

    response = errors.server_error(request)

    assert_error_page(response, status=500, language="en", heading_of=500)


def test_the_500_page_ignores_an_unknown_language():
    request = RequestFactory().get("/anything/")
    request.COOKIES["ktd_language"] = "xx"

    response = errors.server_error(request)

    assert_error_page(response, status=500, language="vi", heading_of=500)


# --- the full layout failing: the 4xx pages fall back to the minimal one --------------------------------------


def broken_context_processor(request):
    raise DatabaseError("the database is down")


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_404_whose_layout_fails_falls_back_to_the_minimal_layout(client, settings, language):
    template_settings = settings.TEMPLATES[0]
    processors = [*template_settings["OPTIONS"]["context_processors"], f"{__name__}.broken_context_processor"]
    settings.TEMPLATES = [
        {**template_settings, "OPTIONS": {**template_settings["OPTIONS"], "context_processors": processors}}
    ]

    response = in_language(client, language).get("/no-such-page/")

    page = assert_error_page(response, status=404, language=language, heading_of=404)
    assert "language-switch" not in page  # the minimal layout's mark: no form


# --- the favicon --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_favicon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response.url == "/static/img/favicon.ico"
    assert finders.find("img/favicon.ico") and finders.find("img/favicon.svg")
    page = html(client.get(reverse("login")))
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in page
