from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("import/people/", views.people_upload, name="people"),
    path("import/people/template.xlsx", views.people_template, name="people-template"),
    path("import/<int:pk>/", views.batch_detail, name="batch"),
    path("import/<int:pk>/confirm/", views.batch_confirm, name="batch-confirm"),
    path("import/<int:pk>/discard/", views.batch_discard, name="batch-discard"),
    path("blocs/<slug:slug>/import/members/", views.members_upload, name="members"),
    path("blocs/<slug:slug>/import/members/template.xlsx", views.members_template, name="members-template"),
]
