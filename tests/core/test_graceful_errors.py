"""Graceful errors: a lost database connection (a read is retried once, a form gets the "database unavailable" page,
never a bare 500), a form too large to send (413 in the reader's language), free text with a stated limit on every
form, a DOCX that does not open (tests/core/test_core.py)."""

import importlib
import inspect
import pkgutil
import re

import pytest
from django import forms
from django.db import connection
from django.urls import reverse

from core.forms import TextLimits
from tests.conftest import MISSING_SERVICE
from tests.factories import UnitFactory, officer_of

HOME = reverse("dashboards:home")
NOTIFICATIONS = reverse("core:notification-list")


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


def page(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- the database connection lost ---------------------------------------------------------------------------------


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        pytest.skip(f"{MISSING_SERVICE} PostgreSQL (a connection killed by the server; SQLite has none)")


def kill_my_connection() -> None:
    """The server ends this process's connection, as a restart or an administrator would."""
    from django.db import connections

    pid = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.fixture
def client():
    """The test client, which leaves failed requests to the error handlers as a server does (the default re-raises
    the view's exception in the test)."""
    from django.test import Client

    return Client(raise_request_exception=False)


@pytest.mark.django_db(transaction=True)
def test_a_read_whose_connection_was_killed_is_retried_once_and_answers(postgresql, client):
    officer = officer_of(UnitFactory())
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(NOTIFICATIONS).status_code == 200

    kill_my_connection()
    response = client.get(NOTIFICATIONS)

    assert response.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_form_whose_connection_was_killed_gets_the_database_page_in_its_language(postgresql, client):
    officer = officer_of(UnitFactory())
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    client.get(NOTIFICATIONS)

    kill_my_connection()
    response = client.post(reverse("core:notification-read-all"))

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    text = page(response)
    assert 'lang="vi"' in text and "Không kết nối được cơ sở dữ liệu" in text
    assert "Nội dung vừa gửi chưa được lưu." in text
    assert client.get(NOTIFICATIONS).status_code == 200  # the next request has a new connection


# --- a form too large ------------------------------------------------------------------------------------------


def test_a_form_too_large_gets_413_in_the_readers_language(db, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    officer = officer_of(UnitFactory(), language="en")
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")

    from django.test import Client

    client = Client(enforce_csrf_checks=True)  # the CSRF check reads the form first, as in production
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    client.get(NOTIFICATIONS)  # the CSRF cookie, as a browser has it
    response = client.post(reverse("core:notification-read-all"), {"text": "ă" * 3000})

    assert response.status_code == 413
    text = page(response)
    assert "Too much sent at once" in text and "Nothing was saved." in text and "2.0 KB" in text


def test_every_page_says_how_much_a_form_may_send(db, client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 12345
    client.force_login(officer_of(UnitFactory()), backend="django.contrib.auth.backends.ModelBackend")

    text = page(client.get(HOME))

    assert 'data-form-max-bytes="12345"' in text and "data-form-too-large=" in text


# --- free text has a limit on every form -------------------------------------------------------------------------


def _form_classes():
    found = set()
    for app in ("core", "blocs", "scoring", "awards", "reports", "conference", "dashboards"):
        names = [f"{app}.forms"]
        for sub in ("forms", "accounts", "imports", "documents"):
            try:
                module = importlib.import_module(f"{app}.{sub}")
            except ModuleNotFoundError:
                continue
            if hasattr(module, "__path__"):
                names += [f"{app}.{sub}.{m.name}" for m in pkgutil.iter_modules(module.__path__)]
        for name in names:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError:
                continue
            for _n, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    found.add(cls)
    return found


def test_every_form_bounds_its_free_text():
    unbounded = []
    classes = _form_classes()
    assert len(classes) > 40
    for cls in classes:
        if issubclass(cls, TextLimits) or cls.__name__ == "LoginForm":  # the sign-in's username: its model's limit
            continue
        for name, field in cls.base_fields.items():
            free = isinstance(field, forms.CharField) and field.max_length is None
            if free and not isinstance(field.widget, forms.HiddenInput | forms.PasswordInput):
                unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert unbounded == []


class _Notes(TextLimits, forms.Form):
    text = forms.CharField(widget=forms.Textarea)
    line = forms.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["added_later"] = forms.CharField(widget=forms.Textarea, required=False)


def test_a_text_box_is_bounded_checked_and_its_limit_said(settings):
    settings.TEXT_MAX_CHARS = 10
    settings.LINE_MAX_CHARS = 5

    form = _Notes(data={"text": "x" * 11, "line": "y" * 6, "added_later": "z" * 11})

    assert not form.is_valid()
    assert set(form.errors) == {"text", "line", "added_later"}
    html = str(form["text"])
    assert 'maxlength="10"' in html
    assert "10" in str(form["text"].help_text)
    assert form["line"].help_text == ""  # a one-line field: the browser stops the typing, no sentence under it
    assert _Notes(data={"text": "x" * 10, "line": "y" * 5}).is_valid()
