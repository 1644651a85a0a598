"""Form widgets shared by every app."""

from django.forms import ClearableFileInput


class PrivateFileInput(ClearableFileInput):
    """A file input for private storage: a stored file has a name but no public address."""

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))
