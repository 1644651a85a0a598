"""URLs of a year's award settings (joined in awards/urls/__init__.py, same "awards" namespace)."""

from django.urls import path

from ..views import year_settings as views

Y = "blocs/<slug:slug>/years/<int:year>/awards/"

urlpatterns: list = [
    path(Y + "legal-bases/", views.legal_bases, name="legal-bases"),
]
