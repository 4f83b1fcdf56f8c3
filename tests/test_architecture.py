"""The layout is the architecture: a module imports only its own package or lower layers, and the
README's architecture table names every package with its layer."""

from __future__ import annotations

import ast
import re

from tests.helpers import ROOT

#: Lowest first. `analytics` joins learning's layer when it exists.
LAYERS = {
    "zhtext": 0, "core": 0,
    "classifier": 1, "service_guide": 1,
    "routing": 2,
    "learning": 3, "analytics": 3,
    "web": 4, "wechat": 4,
    "server": 5,
}


def packages() -> list[str]:
    """The project's top-level Python packages (folders with an __init__.py)."""
    return sorted(p.parent.name for p in ROOT.glob("*/__init__.py"))


def imported_packages(source: str) -> set[str]:
    """Top-level names of every absolute import in ``source``, at module level or inside functions."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def violations(package: str, source: str) -> list[str]:
    """The project packages ``source`` (a module of ``package``) may not import."""
    own = LAYERS[package]
    return sorted(name for name in imported_packages(source) & LAYERS.keys()
                  if name != package and LAYERS[name] >= own)


def test_every_package_has_a_layer():
    assert set(packages()) - {"bot"} <= LAYERS.keys()


def test_no_module_imports_a_higher_layer_or_a_sibling_package():
    found = {}
    for package in packages():
        if package == "bot":
            continue
        for path in sorted((ROOT / package).rglob("*.py")):
            bad = violations(package, path.read_text(encoding="utf-8"))
            if bad:
                found[str(path.relative_to(ROOT))] = bad
    assert found == {}


def test_the_bot_imports_none_of_the_services_packages():
    found = {str(p.relative_to(ROOT)): sorted(imported_packages(p.read_text(encoding="utf-8")) & LAYERS.keys())
             for p in sorted((ROOT / "bot").rglob("*.py"))}
    assert {path: names for path, names in found.items() if names} == {}


def test_the_check_catches_an_upward_import_and_a_sibling_import():
    assert violations("routing", "from server.app import create_app\nimport routing.orm\n") == ["server"]
    assert violations("web", "def page():\n    from wechat.callback import router\n") == ["wechat"]
    assert violations("classifier", "from core.errors import DataError\nfrom zhtext.clean import clean_text\n") == []


def test_the_readme_table_lists_every_package_in_its_layer():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d) \| `(\w+)/`", readme, flags=re.MULTILINE)
    assert {name: int(layer) for layer, name in rows} == {p: LAYERS[p] for p in packages() if p != "bot"}
