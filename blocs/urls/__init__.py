from django.urls import path

from .. import views

app_name = "blocs"

urlpatterns = [
    path("units/", views.unit_list, name="unit-list"),
    path("units/new/", views.unit_edit, name="unit-create"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("blocs/new/", views.bloc_create, name="bloc-create"),
    path("blocs/<slug:slug>/", views.bloc_detail, name="bloc-detail"),
    path("blocs/<slug:slug>/edit/", views.bloc_edit, name="bloc-edit"),
    path("blocs/<slug:slug>/settings/", views.bloc_settings, name="bloc-settings"),
    path("blocs/<slug:slug>/regulation/", views.bloc_regulation, name="bloc-regulation"),
    path("blocs/<slug:slug>/members/add/", views.membership_add, name="membership-add"),
    path("blocs/<slug:slug>/members/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("blocs/<slug:slug>/rotation/", views.rotation_edit, name="rotation-edit"),
    path("blocs/<slug:slug>/years/new/", views.year_create, name="year-create"),
    path("blocs/<slug:slug>/years/<int:year>/", views.year_detail, name="year-detail"),
    path("blocs/<slug:slug>/years/<int:year>/edit/", views.year_edit, name="year-edit"),
    path("blocs/<slug:slug>/years/<int:year>/next/", views.year_open_next, name="year-next"),
    path("blocs/<slug:slug>/years/<int:year>/settings/", views.year_settings, name="year-settings"),
    path("blocs/<slug:slug>/years/<int:year>/deadlines/new/", views.deadline_edit, name="deadline-create"),
    path(
        "blocs/<slug:slug>/years/<int:year>/deadlines/<int:pk>/edit/",
        views.deadline_edit,
        name="deadline-edit",
    ),
    path(
        "blocs/<slug:slug>/years/<int:year>/deadlines/<int:pk>/delete/",
        views.deadline_delete,
        name="deadline-delete",
    ),
]

from . import covenant  # noqa: E402  (the covenant's pages, in the same "blocs" namespace)

urlpatterns += covenant.urlpatterns
