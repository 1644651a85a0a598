"""Write one audit row; call it inside the service's transaction."""

from typing import Any

from django.db import models

from .models import AuditLog


def audit(actor: Any, action: str, target: models.Model | None = None, **data: Any) -> AuditLog:
    return AuditLog.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        data=data,
    )
