"""Vietnamese order for names: "Đài Phát thanh" after "Công an" and before "Sở Tư pháp", not after "Ủy ban".

Names are compared by the Vietnamese alphabet (a ă â b c d đ e ê … o ô ơ … u ư …), then by tone (none, huyền,
hỏi, ngã, sắc, nặng), then by case. The database does the same through a collation named COLLATION on the name
columns: on PostgreSQL an ICU collation (`vi`) that a migration creates, on SQLite a function registered on
every connection. Python sorts use `vi_sort_key`.
"""

import logging
import unicodedata

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

COLLATION = "vietnamese"

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# NFD puts the letter's own mark (breve, circumflex, horn) and the tone mark after the base letter.
_MARKED = {"a\u0306": "ă", "a\u0302": "â", "e\u0302": "ê", "o\u0302": "ô", "o\u031b": "ơ", "u\u031b": "ư"}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng
_RANK = {letter: 1000 + i for i, letter in enumerate(_ALPHABET)}


def _primary(char: str) -> int:
    if char in _RANK:
        return _RANK[char]
    if char.isspace():
        return 1  # "An Giang" before "Anh", as in a dictionary
    if char.isdigit():
        return 500 + unicodedata.digit(char, 0)
    if not char.isalnum():
        return 10 + min(ord(char), 480)  # punctuation before digits and letters
    return 2000 + ord(char)  # letters outside the Vietnamese alphabet, after it


def vi_sort_key(text: str | None) -> tuple:
    """A key that sorts strings in Vietnamese order (letters, then tones, then case, then the text itself)."""
    text = text or ""
    primary: list[int] = []
    tones: list[int] = []
    cases: list[int] = []
    for char in unicodedata.normalize("NFD", text):
        if char in _LETTER_MARKS and primary:
            base = _ALPHABET[primary[-1] - 1000] if 1000 <= primary[-1] < 1000 + len(_ALPHABET) else ""
            letter = _MARKED.get(base + char)
            if letter:
                primary[-1] = _RANK[letter]
            continue
        if char in _TONES and tones:
            tones[-1] = _TONES[char]
            continue
        if unicodedata.combining(char):
            continue
        lower = char.lower()
        primary.append(_primary(lower))
        tones.append(0)
        cases.append(0 if char == lower else 1)
    return (primary, tones, cases, text)


def _compare(a: str, b: str) -> int:
    ka, kb = vi_sort_key(a), vi_sort_key(b)
    return (ka > kb) - (ka < kb)


def register_on_sqlite(sender, connection, **kwargs) -> None:
    """connection_created: teach each new SQLite connection the collation (PostgreSQL has it from a migration)."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)


def _create(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = %s", [COLLATION])
        if cursor.fetchone():
            return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"CREATE COLLATION \"{COLLATION}\" (provider = icu, locale = 'vi')")
    except DatabaseError:
        # A server built without ICU: names then sort as the database's default collation does.
        logger.warning("PostgreSQL has no ICU: names will not sort in Vietnamese order")
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE COLLATION "{COLLATION}" FROM "default"')


def _drop(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP COLLATION IF EXISTS "{COLLATION}"')


def create_collation_operation() -> migrations.RunPython:
    """The migration step that creates the collation on PostgreSQL (nothing to do on SQLite)."""
    return migrations.RunPython(_create, _drop, elidable=False)
