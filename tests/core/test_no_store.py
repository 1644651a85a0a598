"""`Cache-Control: private, no-store` on what a signed-in user gets (core.middleware.PrivateNoStoreMiddleware):
pages, Excel exports, private files; a view's stricter header is kept, the server-side page cache still works,
anonymous pages and static files are left alone (issue 17)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.scoring.helpers import make_table

NO_STORE = "private, no-store"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_signed_in_page_is_not_stored(world, client_as):
    response = client_as(world.member).get(reverse("dashboards:home"))

    assert (response.status_code, response["Cache-Control"]) == (200, NO_STORE)


def test_the_page_cache_serves_its_copy_with_the_header(world, client_as, settings):
    settings.PAGE_CACHE = True
    client = client_as(world.member)  # the unit's home page is a cached one
    client.get(reverse("dashboards:home"))  # sets the CSRF cookie the page cache keys on
    first, second = client.get(reverse("dashboards:home")), client.get(reverse("dashboards:home"))

    assert [r.get("X-Page-Cache") for r in (first, second)] == ["miss", "hit"]
    assert [r["Cache-Control"] for r in (first, second)] == [NO_STORE, NO_STORE]


def test_an_excel_export_is_not_stored(world, client_as):
    make_table(world.year)
    url = reverse("scoring:table-export", kwargs={"slug": world.bloc.slug, "year": 2020})

    response = client_as(world.member).get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"] == NO_STORE


@pytest.fixture
def regulation(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    world.bloc.regulation_file.save("quy-che.pdf", ContentFile(PDF_BYTES), save=True)
    return reverse("blocs:bloc-regulation", kwargs={"slug": world.bloc.slug})


def test_a_private_file_download_is_not_stored(world, client_as, regulation):
    response = client_as(world.member).get(regulation)
    b"".join(response.streaming_content)
    response.close()

    assert (response.status_code, response["Cache-Control"]) == (200, NO_STORE)


def test_a_views_stricter_header_is_kept(world, client, django_capture_on_commit_callbacks):
    from blocs.accounts import links
    from blocs.models import SetupLink

    _link, token = links.issue(user=world.member, purpose=SetupLink.Purpose.RESET, by=world.board)
    client.force_login(world.board, backend="django.contrib.auth.backends.ModelBackend")

    response = client.get(reverse("accounts:setup", args=[token]))  # never_cache + its own no-store

    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_anonymous_pages_and_public_answers_are_left_alone(world, client_as):
    anonymous = client_as(None).get(reverse("dashboards:home"))  # sent to the login page
    favicon = client_as(world.member).get("/favicon.ico")

    assert (anonymous.status_code, anonymous.get("Cache-Control")) == (302, None)
    assert favicon["Cache-Control"] == "max-age=86400, public"
