"""URLs of the conference minutes (appended to conference/urls.py, same namespace)."""

from django.urls import path

from ..views import minutes as views

M = "blocs/<slug:slug>/years/<int:year>/minutes/"

urlpatterns: list = [
    path(M, views.minutes_detail, name="minutes"),
    path(M + "edit/", views.minutes_edit, name="minutes-edit"),
    path(M + "preview/", views.minutes_preview, name="minutes-preview"),
    path(M + "issue/", views.minutes_issue, name="minutes-issue"),
    path(M + "new-version/", views.minutes_new_version, name="minutes-new-version"),
    path(M + "render/<str:fmt>/", views.minutes_render, name="minutes-render"),
]
