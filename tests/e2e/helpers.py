"""Helpers for browser journeys: log in, fail on server errors and on untranslated text."""

import re
from functools import cache
from pathlib import Path

import polib
from django.conf import settings

DEMO_PASSWORD = "Demo@2020"


@cache
def english_sources() -> list[str]:
    """English msgids whose Vietnamese translation differs: seeing one on a vi page means it is missing."""
    catalog = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    sources = []
    for entry in catalog:
        text = entry.msgid
        if not entry.fuzzy and entry.msgstr and entry.msgstr != text and "%" not in text and len(text.split()) >= 3:
            sources.append(text)
    return sources


def assert_healthy_page(page) -> None:
    body = page.inner_text("body")
    assert "Server Error" not in body and "Traceback" not in body, body[:500]
    assert page.locator("html").get_attribute("lang") in {"vi", "en"}


def assert_vietnamese(page) -> None:
    assert page.locator("html").get_attribute("lang") == "vi"
    body = re.sub(r"\s+", " ", page.inner_text("body"))
    untranslated = [s for s in english_sources() if s in body]
    assert not untranslated, f"untranslated text on a Vietnamese page: {untranslated}"


def login(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(re.compile("Tên đăng nhập|Username")).fill(username)
    page.get_by_label(re.compile("Mật khẩu|Password")).fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def logout(page) -> None:
    page.locator("#account-menu").click()
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_load_state()
