"""URLs of the whole product."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from blocs.accounts.views import password_reset
from core.forms import LoginForm

urlpatterns = [
    path("", include("dashboards.urls")),
    path("", include("core.urls")),
    path("", include("blocs.urls")),
    path("", include("blocs.accounts.urls")),
    path("", include("blocs.imports.urls")),
    path("", include("scoring.urls")),
    path("", include("awards.urls")),
    path("", include("reports.urls")),
    path("", include("conference.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    # "Quên mật khẩu?" mails our own one-time link, which every active account can use (Django's form skips
    # accounts that never chose a password); the rest of Django's sign-in pages as they are.
    path("accounts/password_reset/", password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
