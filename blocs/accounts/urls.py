from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    # the person's own: a link to choose a password
    path("accounts/setup/<str:token>/", views.setup, name="setup"),
    path("accounts/setup/<str:token>/renew/", views.setup_renew, name="setup-renew"),
    # the board: the province's accounts
    path("people/", views.people, name="people"),
    path("people/new-staff/", views.staff_create, name="staff-create"),
    path("people/handover/", views.handover, name="handover"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/invite/", views.person_invite, name="person-invite"),
    path("people/<int:pk>/active/", views.person_active, name="person-active"),
    path("people/<int:pk>/move/", views.person_move, name="person-move"),
    path("people/<int:pk>/unlock/", views.person_unlock, name="person-unlock"),
    path("units/<int:pk>/officers/", views.unit_officers, name="unit-officers"),
    # the system administrator
    path("system/", views.system_home, name="system"),
    path("system/provinces/new/", views.province_edit, name="province-create"),
    path("system/provinces/<int:pk>/", views.province_detail, name="province"),
    path("system/provinces/<int:pk>/edit/", views.province_edit, name="province-edit"),
]
