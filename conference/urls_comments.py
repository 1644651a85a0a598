"""URLs of the comments pages (appended to conference/urls.py, same namespace)."""

urlpatterns: list = []
