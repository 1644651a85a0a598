"""URLs of the comments pages (appended to conference/urls.py, same namespace)."""

from django.urls import path

from ..views import comments as views

D = "blocs/<slug:slug>/years/<int:year>/draft-report/"

urlpatterns: list = [
    path(D, views.draft_report, name="draft-report"),
    path(D + "publish/", views.draft_publish, name="draft-publish"),
    path(D + "window/", views.comment_window_set, name="comment-window"),
    path(D + "comment/", views.draft_comment, name="draft-comment"),
    path(D + "comments/<int:pk>/answer/", views.comment_answer, name="draft-answer"),
    path(D + "v<int:version>/download/", views.draft_download, name="draft-download"),
]
