"""The one dependency rule of DESIGN §3: domain packages import no adapter.

Domain packages (standards, hj212, assess, supervision, registry, cases, noisemap) must not import
an adapter (store, ingest, web, reports, cli, services), a web framework, a DB driver or an MQTT
client. The check reads the source with ``ast`` so that a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ecowarden"
DOMAIN = ("standards", "hj212", "assess", "supervision", "registry", "cases", "noisemap")
FORBIDDEN_PREFIXES = (
    *(f"ecowarden.{a}" for a in ("store", "ingest", "web", "reports", "cli", "services")),
    "sqlalchemy",
    "alembic",
    "psycopg",
    "psycopg2",
    "sqlite3",
    "asyncpg",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "paho",
    "aiomqtt",
    "typer",
    "rich",
)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _domain_files() -> list[Path]:
    return sorted(p for pkg in DOMAIN for p in (SRC / pkg).rglob("*.py"))


@pytest.mark.parametrize("path", _domain_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_domain_module_imports_no_adapter(path: Path) -> None:
    bad = [
        name
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_PREFIXES)
    ]
    assert bad == [], f"{path.relative_to(SRC)} imports {bad}"


def test_rule_sees_a_forbidden_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from ecowarden.store import x\n", encoding="utf-8")
    assert _imports(probe) == ["ecowarden.store"]
