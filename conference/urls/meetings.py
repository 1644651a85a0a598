"""URLs of the bloc's meetings other than the year-end conference (appended to conference/urls, same namespace)."""

from django.urls import path

from ..views import meetings as views

Y = "blocs/<slug:slug>/years/<int:year>/meetings/"
M = Y + "<int:pk>/"

urlpatterns: list = [
    path(Y, views.meeting_list, name="meetings"),
    path(Y + "new/", views.meeting_edit, name="meeting-new"),
    path(M, views.meeting_detail, name="meeting"),
    path(M + "edit/", views.meeting_edit, name="meeting-edit"),
    path(M + "publish/", views.meeting_publish, name="meeting-publish"),
    path(M + "comment/", views.meeting_comment, name="meeting-comment"),
    path(M + "comments/<int:comment_pk>/answer/", views.meeting_answer, name="meeting-answer"),
    path(M + "drafts/<int:version>/", views.meeting_draft_download, name="meeting-draft-download"),
    path(M + "minutes/", views.minutes_detail, name="meeting-minutes"),
    path(M + "minutes/edit/", views.minutes_edit, name="meeting-minutes-edit"),
    path(M + "minutes/preview/", views.minutes_preview, name="meeting-minutes-preview"),
    path(M + "minutes/issue/", views.minutes_issue, name="meeting-minutes-issue"),
    path(M + "minutes/new-version/", views.minutes_new_version, name="meeting-minutes-new-version"),
    path(M + "minutes/render/<str:fmt>/", views.minutes_render, name="meeting-minutes-render"),
    path(M + "plan/", views.plan_detail, name="meeting-plan"),
    path(M + "plan/edit/", views.plan_edit, name="meeting-plan-edit"),
    path(M + "plan/preview/", views.plan_preview, name="meeting-plan-preview"),
    path(M + "plan/issue/", views.plan_issue, name="meeting-plan-issue"),
    path(M + "plan/new-version/", views.plan_new_version, name="meeting-plan-new-version"),
    path(M + "plan/render/<str:fmt>/", views.plan_render, name="meeting-plan-render"),
]
