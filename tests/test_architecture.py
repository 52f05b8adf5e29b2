"""The architecture, checked on every import (module-level and lazy, inside functions, relative ones resolved,
``importlib.import_module("...")`` with a literal name too):

* **the package order**: ``bridge`` < ``env`` < {``causal_graph``, ``perception``} < ``agent`` < ``bench``; imports
  only point down, and ``causal_graph`` and ``perception`` do not import each other;
* **the one rule**: ``agent/``, ``causal_graph/`` and ``perception/`` know a world only through the contract: of
  ``env`` they import only ``env.interface*`` and the top-level ``env`` (its id registration; ``agent/cli.py``
  also launches ``env.demo``), and they read nothing through ``.unwrapped``;
* **test helpers stay out of the product**: no package imports ``tests`` or ``examples`` (the bench scripts,
  run from the repo root, may use ``tests.support``).

``python tests/test_architecture.py`` prints the import edges between packages (imports and files per pair).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bridge", "env", "causal_graph", "perception", "agent", "bench")
LEVEL = {"bridge": 0, "env": 1, "causal_graph": 2, "perception": 2, "agent": 3, "bench": 4}
NOT_PRODUCT = ("tests", "examples")
BENCH_SCRIPTS_MAY_USE = "tests.support"  # bench/bench_*.py, run from the repo root (PYTHONPATH=.)

CONTRACT_USERS = ("agent", "causal_graph", "perception")
ALLOWED_ENV = {"env"}  # the package itself: importing it registers the world ids
# the command line may launch the simulator's own showcase (a scripted route, no agent), and write its rules as a
# prior file (adam prior: beliefs a run verifies before it uses them)
CLI_EXTRA = {"env.demo", "env.prior"}
# Known breaks of the one rule, each with its reason; the test fails when one is fixed, so the entry goes too.
KNOWN_RULE_BREAKS: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    path: Path  # relative to the scanned root
    line: int
    name: str  # the absolute module name (a submodule for ``from package import submodule``)

    @property
    def top(self) -> str:
        return self.name.split(".")[0]

    def __str__(self) -> str:
        return f"{self.path}:{self.line} imports {self.name}"


def modules(root: Path, package: str) -> Iterator[Path]:
    for path in sorted((root / package).rglob("*.py")):
        if "node_modules" not in path.relative_to(root).parts:
            yield path


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str, root: Path) -> bool:
    base = root.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports(path: Path, root: Path = ROOT) -> list[Import]:
    """Every module ``path`` imports, wherever the import statement is."""
    rel = path.relative_to(root)
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path, root) if path.name == "__init__.py" else _module_name(path, root).rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(rel, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the module's own package
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.append(Import(rel, node.lineno, base))
            found += [
                Import(rel, node.lineno, f"{base}.{alias.name}")
                for alias in node.names
                if _is_module(f"{base}.{alias.name}", root)
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(rel, node.lineno, node.args[0].value))
    return found


def all_imports(root: Path = ROOT) -> Iterator[tuple[str, Import]]:
    for package in PACKAGES:
        for path in modules(root, package):
            for imp in imports(path, root):
                yield package, imp


def order_violations(root: Path = ROOT) -> list[str]:
    """Imports that point up the package order or sideways (causal_graph <-> perception), and product
    imports of test helpers."""
    out = []
    for package, imp in all_imports(root):
        target = imp.top
        if target in LEVEL and target != package and LEVEL[target] >= LEVEL[package]:
            out.append(f"{imp}: {package} may not import {target}")
        if target in NOT_PRODUCT:
            helper = (imp.name + ".").startswith(BENCH_SCRIPTS_MAY_USE + ".")
            bench_script = imp.path.parent.as_posix() == "bench" and imp.path.name.startswith("bench_")
            if not helper or package != "bench":
                out.append(f"{imp}: the product may not import {target} (test helpers, examples)")
            elif not bench_script:
                out.append(f"{imp}: only the bench scripts may import {BENCH_SCRIPTS_MAY_USE}")
    return out


def rule_breaks(root: Path = ROOT) -> list[Import]:
    """Imports of env, by agent/, causal_graph/ and perception/, other than the contract and the registration."""
    out = []
    for package, imp in all_imports(root):
        if package not in CONTRACT_USERS or imp.top != "env":
            continue
        allowed = ALLOWED_ENV | (CLI_EXTRA if imp.path.as_posix() == "agent/cli.py" else set())
        if imp.name not in allowed and imp.name != "env.interface" and not imp.name.startswith("env.interface."):
            out.append(imp)
    return out


def unwrapped_reads(root: Path = ROOT) -> list[str]:
    """``.unwrapped`` in agent/, causal_graph/ and perception/: the env behind every wrapper, past the contract."""
    out = []
    for package in CONTRACT_USERS:
        for path in modules(root, package):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.Attribute) and node.attr == "unwrapped":
                    out.append(f"{path.relative_to(root)}:{node.lineno} reads .unwrapped")
    return out


def edges(root: Path = ROOT) -> dict[tuple[str, str], tuple[int, int]]:
    """(importer, imported) package -> (import statements, files), for every pair of packages with an import."""
    statements: dict[tuple[str, str], set[tuple[Path, int]]] = {}
    for package, imp in all_imports(root):
        if imp.top in LEVEL and imp.top != package:
            statements.setdefault((package, imp.top), set()).add((imp.path, imp.line))
    return {pair: (len(found), len({path for path, _ in found})) for pair, found in sorted(statements.items())}


# ------------------------------------------------------------------------------------------------ the tests
def test_every_package_imports_only_down_the_package_order():
    assert all((ROOT / p / "__init__.py").is_file() for p in PACKAGES)
    violations = order_violations()
    assert not violations, "\n".join(violations)


def test_agent_causal_graph_and_perception_import_only_the_env_interface():
    found = rule_breaks()
    unknown = [str(imp) for imp in found if (imp.path.as_posix(), imp.name) not in KNOWN_RULE_BREAKS]
    assert not unknown, "\n".join(unknown)
    still = {(imp.path.as_posix(), imp.name) for imp in found}
    fixed = [f"{path} imports {name}" for path, name in KNOWN_RULE_BREAKS if (path, name) not in still]
    assert not fixed, "no longer true, remove from KNOWN_RULE_BREAKS: " + "; ".join(fixed)


def test_agent_causal_graph_and_perception_never_read_through_unwrapped():
    reads = unwrapped_reads()
    assert not reads, "\n".join(reads)


def test_the_scan_catches_each_kind_of_violation(tmp_path):
    files = {
        "bridge/__init__.py": "def f():\n    from env.interface import EnvironmentUnavailable\n",  # lazy, upward
        "env/__init__.py": "from env import registration\n",
        "env/registration.py": "",
        "env/rules.py": "",
        "env/interface/__init__.py": "",
        "env/sub/__init__.py": "from .. import rules\nfrom . import deep\n",
        "env/sub/deep.py": "import importlib\nimportlib.import_module('agent.run')\n",  # upward, by name
        "causal_graph/__init__.py": "from perception import Describer\n",  # sideways
        "perception/__init__.py": "import causal_graph.graph\n",  # sideways
        "agent/__init__.py": "from env import rules\nfrom env.interface import World\nimport env\n",
        "agent/cli.py": "import env.demo\nfrom bench.harness.command import add_parser\n",  # CLI extra; upward
        "agent/run.py": "def g(env):\n    return env.unwrapped.item_names\n",
        "agent/helper.py": "from tests.support.llm_server import ScriptedServer\n",  # a test helper
        "bench/__init__.py": "from agent.run import g\nfrom tests.support import llm_server\n",  # not a script
        "bench/bench_llm.py": "from tests.support.llm_server import ScriptedServer\nimport examples.workshop\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "env" / "demo.py").write_text("")

    assert sorted(order_violations(tmp_path)) == sorted([
        "bridge/__init__.py:2 imports env.interface: bridge may not import env",
        "env/sub/deep.py:2 imports agent.run: env may not import agent",
        "causal_graph/__init__.py:1 imports perception: causal_graph may not import perception",
        "perception/__init__.py:1 imports causal_graph.graph: perception may not import causal_graph",
        "agent/cli.py:2 imports bench.harness.command: agent may not import bench",
        "agent/helper.py:1 imports tests.support.llm_server: the product may not import tests (test helpers, examples)",
        "bench/__init__.py:2 imports tests.support: only the bench scripts may import tests.support",
        "bench/bench_llm.py:2 imports examples.workshop: the product may not import examples (test helpers, examples)",
    ])  # fmt: skip
    assert sorted(str(imp) for imp in rule_breaks(tmp_path)) == ["agent/__init__.py:1 imports env.rules"]
    assert unwrapped_reads(tmp_path) == ["agent/run.py:2 reads .unwrapped"]
    relative = {imp.name for imp in imports(tmp_path / "env/sub/__init__.py", tmp_path)}
    assert relative == {"env", "env.rules", "env.sub", "env.sub.deep"}
    assert edges(tmp_path)[("agent", "env")] == (4, 2)  # env.rules as env + env.rules, env.interface, env, env.demo


if __name__ == "__main__":
    for (importer, imported), (n, f) in edges().items():
        up = " UP" if LEVEL[imported] >= LEVEL[importer] else ""
        sys.stdout.write(f"{importer:>13} -> {imported:<13} {n:4d} imports in {f:3d} files{up}\n")
