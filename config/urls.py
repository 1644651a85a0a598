"""URLs of the whole product."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from blocs.accounts.views import password_reset
from core.forms import LoginForm
from core.views import favicon

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
    path("favicon.ico", favicon),  # unnamed: nothing links to it but browsers
]

# Failed requests get pages in the reader's language, with the navigation (core/errors.py); a refused form
# (CSRF) is settings.CSRF_FAILURE_VIEW.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
