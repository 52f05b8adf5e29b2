"""The one rule: agent/ and causal_graph/ never import the simulator's rules, data or world."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_ENV_MODULES = {"env", "env.interface"}
# The command line may launch the simulator's own showcase (a scripted route, no agent logic).
CLI_EXTRA = {"env.demo"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names if node.module == "env")
    return names


def test_agent_and_causal_graph_import_only_the_env_interface():
    offenders = []
    for package in ("agent", "causal_graph"):
        for path in (ROOT / package).rglob("*.py"):
            for name in _imports(path):
                allowed = ALLOWED_ENV_MODULES | (CLI_EXTRA if path.name == "cli.py" else set())
                contract = name == "env.interface" or name.startswith("env.interface.")
                if (name == "env" or name.startswith("env.")) and name not in allowed and not contract:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_the_scan_catches_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from env.rules import base_rules\nimport env.techtree\nfrom env import world\n")
    names = _imports(bad)
    assert {"env.rules", "env.techtree", "env.world"} <= set(names)
