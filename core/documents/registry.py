"""Which records can be rendered as official documents: each app registers a builder for its kind (a
`DocumentKind`, or an issued document's kind of core.documents.lifecycle, which has the same five members)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from .model import OfficialDocument


@dataclass(frozen=True)
class DocumentKind:
    name: str  # e.g. "conference.plan"
    load: Callable[[str], Any]  # object id -> the record
    build: Callable[[Any], OfficialDocument]  # record -> document
    version: Callable[[Any], int]  # record -> its version number
    view_action: str  # the permission that lets a user read the record's documents (asked with the record)


class Renderable(Protocol):
    name: str
    view_action: str

    def load(self, pk: str) -> Any: ...

    def build(self, record: Any) -> OfficialDocument: ...

    def version(self, record: Any) -> int: ...


_kinds: dict[str, Renderable] = {}


def register(kind: Renderable) -> None:
    _kinds[kind.name] = kind


def get(name: str) -> Renderable:
    return _kinds[name]
