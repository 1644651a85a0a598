"""Which records can be rendered as official documents: each app registers a builder for its kind (a
`DocumentKind`, or an issued document's kind of core.documents.lifecycle, which has the same members).

A rendering belongs to the record's state it was made from (core/documents/services.py): its `revision` (the
optimistic lock every save of a draft moves on, so each draft edit is a revision of its own) and whether it was a
draft. A draft's renderings are for those who may edit it (`edit_action`, asked with the record's `scope`) alone."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .model import OfficialDocument


def _always_issued(record: Any) -> bool:
    return False


def _itself(record: Any) -> Any:
    return record


@dataclass(frozen=True)
class DocumentKind:
    name: str  # e.g. "conference.plan"
    load: Callable[[str], Any]  # object id -> the record
    build: Callable[[Any], OfficialDocument]  # record -> document
    version: Callable[[Any], int]  # record -> its version number (the one its document shows: "v3")
    view_action: str  # the permission that lets a user read the record's documents (asked with the record)
    # record -> the revision of its text (each save of a draft a new one); None: its version
    revision_of: Callable[[Any], int] | None = None
    is_draft: Callable[[Any], bool] = _always_issued  # record -> whether it is a draft (not issued)
    edit_action: str = ""  # the permission to edit a draft (asked with `scope(record)`); "": nobody
    scope: Callable[[Any], Any] = _itself  # record -> what `edit_action` is asked with

    def revision(self, record: Any) -> int:
        return (self.revision_of or self.version)(record)


class Renderable(Protocol):
    name: str
    view_action: str
    edit_action: str

    def load(self, pk: str) -> Any: ...

    def build(self, record: Any) -> OfficialDocument: ...

    def version(self, record: Any) -> int: ...

    def revision(self, record: Any) -> int: ...

    def is_draft(self, record: Any) -> bool: ...

    def scope(self, record: Any) -> Any: ...


_kinds: dict[str, Renderable] = {}


def register(kind: Renderable) -> None:
    _kinds[kind.name] = kind


def get(name: str) -> Renderable:
    return _kinds[name]
