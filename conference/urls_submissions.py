"""URLs of the submissions pages (appended to conference/urls.py, same namespace)."""

urlpatterns: list = []
