"""Which records can be rendered as official documents: each app registers a builder for its kind."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .model import OfficialDocument


@dataclass(frozen=True)
class DocumentKind:
    name: str  # e.g. "conference.plan"
    load: Callable[[str], Any]  # object id -> the record
    build: Callable[[Any], OfficialDocument]  # record -> document
    version: Callable[[Any], int]  # record -> its version number
    view_action: str  # the permission that lets a user read the record's documents (asked with the record)


_kinds: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> None:
    _kinds[kind.name] = kind


def get(name: str) -> DocumentKind:
    return _kinds[name]
