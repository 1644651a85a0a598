"""URLs of a year's emulation covenant; they share the "blocs" namespace (blocs/urls/__init__.py adds them)."""

from django.urls import path

from ..views import covenant as views

Y = "blocs/<slug:slug>/years/<int:year>/covenant/"

urlpatterns = [
    path(Y, views.covenant_detail, name="covenant"),
    path(Y + "registration/", views.registration_edit, name="covenant-registration"),
    path(Y + "edit/", views.covenant_edit, name="covenant-edit"),
    path(Y + "issue/", views.covenant_issue, name="covenant-issue"),
    path(Y + "preview/", views.covenant_preview, name="covenant-preview"),
    path(Y + "render/<str:fmt>/", views.covenant_render, name="covenant-render"),
]
