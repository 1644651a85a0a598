"""The one place that answers "may this user do this action on this object".

Each domain app registers its rules here (`@rule("blocs.year.view")`); views call `ensure_can` and
templates `{% can "action" obj as ok %}`. Rights are derived from facts at the moment of asking, never
stored as flags.

No existence oracle: an app also says, per model, who may know that an object exists
(`hidden_unless(Sheet, "scoring.sheet.view")`). `ensure_can` answers 404 to a user who may not even know the
object (the same answer as for an id that does not exist) and 403 only to one who sees it but may not do the
action (a member of the year on the leader's page, say).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404

Rule = Callable[[Any, Any], bool]
_rules: dict[str, Rule] = {}
_visibility: dict[type, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        if action in _rules:
            raise ImproperlyConfigured(f"Permission rule {action!r} registered twice")
        _rules[action] = fn
        return fn

    return register


def can(user: Any, action: str, obj: Any = None) -> bool:
    try:
        fn = _rules[action]
    except KeyError as exc:
        raise ImproperlyConfigured(f"No permission rule for {action!r}") from exc
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(fn(user, obj))


def hidden_unless(model: type, view: str | Rule) -> None:
    """Declare who may know that an object of `model` (or a subclass) exists: a rule's name or a function
    (user, obj) -> bool. Objects of an undeclared type are known to everyone who is signed in."""
    if model in _visibility:
        raise ImproperlyConfigured(f"Visibility of {model.__name__} declared twice")
    if isinstance(view, str):
        name = view
        _visibility[model] = lambda user, obj: can(user, name, obj)
    else:
        _visibility[model] = view


def may_know(user: Any, obj: Any) -> bool:
    """Whether the user may know that `obj` exists. A tuple (year, unit, …) is known when its first part is."""
    if obj is None:
        return True
    if isinstance(obj, tuple):
        return may_know(user, obj[0]) if obj else True
    for klass in type(obj).__mro__:
        check = _visibility.get(klass)
        if check is not None:
            if user is None or not user.is_authenticated or not user.is_active:
                return False
            return bool(check(user, obj))
    return True


def ensure_can(user: Any, action: str, obj: Any = None) -> None:
    """403 for what the user sees but may not do; 404 for what they may not even know exists."""
    if not can(user, action, obj):
        if not may_know(user, obj):
            raise Http404
        raise PermissionDenied(action)


def registered_actions() -> list[str]:
    return sorted(_rules)
