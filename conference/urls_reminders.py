"""URLs of the reminders pages (appended to conference/urls.py, same namespace)."""

urlpatterns: list = []
