"""URLs of the whole product."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.forms import LoginForm

urlpatterns = [
    path("", include("dashboards.urls")),
    path("", include("core.urls")),
    path("", include("blocs.urls")),
    path("", include("scoring.urls")),
    path("", include("awards.urls")),
    path("", include("conference.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
