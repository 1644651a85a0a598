"""URLs of the awards app's official documents: the year's vote-count minutes and each proposal's submission
(joined in awards/urls/__init__.py, same "awards" namespace)."""

from django.urls import path

from ..views import documents as views

Y = "blocs/<slug:slug>/years/<int:year>/awards/"
S = Y + "proposals/<int:pk>/submission/"

urlpatterns: list = [
    path(Y + "minutes/", views.minutes, name="minutes"),
    path(Y + "minutes/edit/", views.minutes_edit, name="minutes-edit"),
    path(Y + "minutes/preview/", views.minutes_preview, name="minutes-preview"),
    path(Y + "minutes/issue/", views.minutes_issue, name="minutes-issue"),
    path(Y + "minutes/new-version/", views.minutes_new_version, name="minutes-new-version"),
    path(Y + "minutes/render/<str:fmt>/", views.minutes_render, name="minutes-render"),
    path(S, views.submission, name="submission"),
    path(S + "preview/", views.submission_preview, name="submission-preview"),
    path(S + "issue/", views.submission_issue, name="submission-issue"),
    path(S + "new-version/", views.submission_new_version, name="submission-new-version"),
    path(S + "render/<str:fmt>/", views.submission_render, name="submission-render"),
]
