"""The one place that answers "may this user do this action on this object".

Each domain app registers its rules here (`@rule("blocs.year.view")`); views call `ensure_can` and
templates `{% can "action" obj as ok %}`. Rights are derived from facts at the moment of asking, never
stored as flags.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied

Rule = Callable[[Any, Any], bool]
_rules: dict[str, Rule] = {}


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


def ensure_can(user: Any, action: str, obj: Any = None) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(action)


def registered_actions() -> list[str]:
    return sorted(_rules)
