"""The house's one rule: an app imports only from apps to its left, and nothing imports the tools.

    core → blocs → scoring → awards → reports → conference → dashboards

Tools that are not the domain (the national data generator, the benchmarks, the demo's orchestration) may import
anything, and no domain app imports them. Read from the source with `ast`, so that a lazy import inside a
function counts as much as one at the top of a module.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ORDER = ["core", "blocs", "scoring", "awards", "reports", "conference", "dashboards"]
TOOLS = ["tools"]


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path


def _imported_apps(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in ORDER or top in TOOLS:
                found.add((top, node.lineno))
    return found


@pytest.mark.parametrize("app", [app for app in ORDER if (ROOT / app).is_dir()])
def test_an_app_imports_only_from_its_left(app):
    allowed = set(ORDER[: ORDER.index(app) + 1])
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {other}"
        for path in _modules(app)
        for other, line in _imported_apps(path)
        if other not in allowed
    ]
    assert wrong == [], "imports must run left to right: " + " → ".join(ORDER)


def test_every_app_of_the_project_has_its_place_in_the_order():
    local = {name for name in settings.INSTALLED_APPS if (ROOT / name.split(".")[0]).is_dir()}
    assert {name.split(".")[0] for name in local} <= set(ORDER) | set(TOOLS)
