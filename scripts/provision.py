"""Provision what the tests need on this machine; ``scripts/test`` runs it before pytest.

Each step is idempotent (the whole run takes seconds when everything is there) and prints one progress line:

1. ``.venv`` with this checkout installed editable, ``adam-agent[dev,ray]`` (made, or reinstalled when it no
   longer matches pyproject.toml);
2. Node 20 and npm, from Debian, when ``node`` is missing;
3. the Debian packages: Chromium (the HTML report test) and ``bridge/viewer/debian-packages.txt`` (Xvfb, the
   viewer's build dependencies);
4. the bridge's locked npm packages (``npm ci`` in ``bridge/``) when missing or older than the lock file;
5. the optional viewer (``npm_config_nodedir=/usr npm ci`` in ``bridge/viewer``, a native build of about 3
   minutes), likewise.

Steps 2 and 3 need root or passwordless sudo. A step that cannot be done says what to run, and the tests that
need it skip (tests/conftest.py); only a missing ``.venv`` stops the run. Standard library only: it runs on the
system's python3, before the venv exists.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"
EXTRAS = ("dev", "ray")
NO_RAY_STAMP = VENV / ".adam-ray-unavailable"  # ray failed to install for these requirements: not retried
BRIDGE = ROOT / "bridge"
VIEWER = BRIDGE / "viewer"
VIEWER_DEBIAN = VIEWER / "debian-packages.txt"
DEBIAN_PACKAGES = ("chromium",)
NODE_MAJOR = 20
NODE_HEADERS = Path("/usr/include/node")
VIEWER_LOAD_CHECK = (
    "require('canvas'); require('gl'); require('node-canvas-webgl/lib'); require('prismarine-viewer/viewer')"
)
TAIL_LINES = 15

log = logging.getLogger("provision")

# Run inside the venv: exit 0 when adam-agent is installed editable from ROOT with pyproject's requirements and
# entry points (the adam script, the commands bench adds: an editable install does not see new ones by itself).
VENV_CHECK = """
import importlib.metadata as md, json, sys
root, requires, names, entry_points = json.loads(sys.argv[1])
try:
    dist = md.distribution("adam-agent")
except md.PackageNotFoundError:
    sys.exit("adam-agent is not installed")
origin = json.loads(dist.read_text("direct_url.json") or "{}")
if origin.get("url") != root or not origin.get("dir_info", {}).get("editable"):
    sys.exit(f"adam-agent is not installed editable from {root}")
have = sorted(" ".join(r.split()) for r in dist.requires or [])
if have != sorted(requires):
    sys.exit("pyproject.toml's requirements changed")
if sorted(f"{ep.group} {ep.name} = {ep.value}" for ep in dist.entry_points) != sorted(entry_points):
    sys.exit("pyproject.toml's entry points changed")
missing = []
for name in names:
    try:
        md.distribution(name)
    except md.PackageNotFoundError:
        missing.append(name)
if missing:
    sys.exit("not installed: " + ", ".join(missing))
"""


# ------------------------------------------------------------------------------------------------ helpers
def run(argv: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None, timeout: float = 1800) -> str | None:
    """Run a command quietly; None on success, else its last output lines (for the one failure line)."""
    try:
        done = subprocess.run(
            argv,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return str(err)
    if done.returncode == 0:
        return None
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return "\n".join(lines[-TAIL_LINES:]) or f"exit code {done.returncode}"


def failed(step: str, output: str, fix: str) -> None:
    log.warning("%s failed; to fix: %s\n%s", step, fix, output)


def stale(marker: Path, lock: Path) -> bool:
    """Whether ``npm ci`` has not run since ``lock`` last changed (npm writes node_modules/.package-lock.json)."""
    return not marker.is_file() or marker.stat().st_mtime < lock.stat().st_mtime


# ------------------------------------------------------------------------------------------------ 1. venv
def requirements() -> tuple[list[str], list[str], list[str]]:
    """pyproject's requirements as the installed metadata lists them, and the distribution names to check
    (without and with ray)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    requires = list(project["dependencies"])
    requires += [f'{req}; extra == "{extra}"' for extra in extras for req in extras[extra]]
    names = [_name(req) for req in project["dependencies"] + extras.get("dev", [])]
    return [" ".join(r.split()) for r in requires], names, names + [_name(r) for r in extras.get("ray", [])]


def _name(requirement: str) -> str:
    for i, char in enumerate(requirement):
        if not (char.isalnum() or char in "-_."):
            return requirement[:i]
    return requirement


def entry_points() -> list[str]:
    """pyproject's scripts and entry points, as ``group name = value`` lines."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    groups = {"console_scripts": project.get("scripts", {}), **project.get("entry-points", {})}
    return sorted(f"{group} {name} = {value}" for group, table in groups.items() for name, value in table.items())


def venv_problem(names: list[str], requires: list[str], entries: list[str] | None = None) -> str | None:
    """Why .venv does not hold this checkout with ``names`` installed and pyproject's entry points (or
    ``entries``), or None."""
    if not VENV_PYTHON.exists():
        return "no .venv"
    entries = entry_points() if entries is None else entries
    done = subprocess.run(
        [str(VENV_PYTHON), "-I", "-c", VENV_CHECK, json.dumps([ROOT.as_uri(), requires, names, entries])],
        capture_output=True,
        text=True,
    )
    return None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["check failed"])[-1]


def provision_venv() -> bool:
    requires, core, full = requirements()
    key = hashlib.sha256(json.dumps(requires).encode()).hexdigest()
    ray_given_up = NO_RAY_STAMP.is_file() and NO_RAY_STAMP.read_text() == key
    why = venv_problem(core if ray_given_up else full, requires)
    if why is None:
        log.info(".venv: adam-agent[%s] up to date", ",".join(("dev",) if ray_given_up else EXTRAS))
        return True
    log.info(".venv: %s: installing adam-agent[%s] (pip install -e; a minute or more)…", why, ",".join(EXTRAS))
    if not VENV_PYTHON.exists():
        output = run([sys.executable, "-m", "venv", str(VENV)])
        if output:
            failed("python3 -m venv .venv", output, "apt-get install python3-venv")
            return False
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e"]
    output = run([*pip, f".[{','.join(EXTRAS)}]"])
    if output is None:
        NO_RAY_STAMP.unlink(missing_ok=True)
        return True
    log.warning("adam-agent[dev,ray] did not install; trying without ray (the Ray tests will skip)")
    fallback = run([*pip, ".[dev]"])
    if fallback:
        failed("pip install -e '.[dev]'", fallback, "check the network, then run scripts/test again")
        return False
    NO_RAY_STAMP.write_text(key)
    failed("pip install -e '.[dev,ray]'", output, ".venv/bin/pip install -e '.[dev,ray]'")
    return True


# ------------------------------------------------------------------------------------------ 2, 3. Debian
def apt_prefix() -> list[str] | None:
    """How to run apt-get here: as root, or with passwordless sudo; None when neither (or no apt-get)."""
    if shutil.which("apt-get") is None or shutil.which("dpkg-query") is None:
        return None
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    return None


def debian_missing(packages: list[str]) -> list[str]:
    """The packages of ``packages`` that dpkg does not list as installed (all of them without dpkg)."""
    if shutil.which("dpkg-query") is None:
        return list(packages)
    done = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n", *packages], capture_output=True, text=True
    )
    installed = {line.split()[0] for line in done.stdout.splitlines() if line.split()[1:2] == ["ii"]}
    return [p for p in packages if p not in installed]


def apt_install(packages: list[str], why: str) -> bool:
    """Install Debian ``packages`` when root or passwordless sudo allows; else say what to run."""
    command = f"apt-get install -y {' '.join(packages)}"
    prefix = apt_prefix()
    if prefix is None:
        log.warning("%s: not root and no passwordless sudo: run `sudo %s`; until then %s", command, command, why)
        return False
    log.info("apt-get: installing %s…", " ".join(packages))
    env = {"DEBIAN_FRONTEND": "noninteractive"}
    output = run([*prefix, "apt-get", "update", "-q"], env=env) or run(
        [*prefix, "apt-get", "install", "-y", "-q", *packages], env=env
    )
    if output:
        failed(command, output, f"run `{command}` yourself; until then {why}")
        return False
    return True


def node_major() -> int:
    """The major version of ``node`` on PATH; 0 when there is none (or it cannot say)."""
    node = shutil.which("node")
    if node is None:
        return 0
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
        return int(out.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return 0


def provision_node() -> bool:
    """Node 20+ and npm: installed from Debian when node is missing. True when both are usable."""
    if shutil.which("node") is None and not apt_install(["nodejs", "npm"], "the live tests skip"):
        return False
    major = node_major()
    if major < NODE_MAJOR:
        log.warning(
            "node: version %s is older than %d (Debian 12 ships 18): install Node %d from https://nodejs.org or "
            "NodeSource; until then the live tests skip",
            major,
            NODE_MAJOR,
            NODE_MAJOR,
        )
        return False
    if shutil.which("npm") is None:
        return apt_install(["npm"], "the live tests skip")
    log.info("node: %d and npm found", major)
    return True


def provision_debian() -> bool:
    """Chromium and the viewer's Debian packages. True when all are installed."""
    wanted = [*DEBIAN_PACKAGES, *VIEWER_DEBIAN.read_text().split()]
    absent = debian_missing(wanted)
    if not absent:
        log.info("apt-get: %d packages (chromium, xvfb, the viewer's build dependencies) installed", len(wanted))
        return True
    return apt_install(absent, "the HTML report test and the viewer frame tests skip")


# ----------------------------------------------------------------------------------------------- 4, 5. npm
def provision_bridge() -> bool:
    modules = BRIDGE / "node_modules"
    if not stale(modules / ".package-lock.json", BRIDGE / "package-lock.json"):
        log.info("bridge: npm packages up to date")
        return True
    log.info("bridge: npm ci (the locked mineflayer and flying-squid packages, ~10 s)…")
    output = run(["npm", "ci", "--no-audit", "--no-fund"], cwd=BRIDGE)
    if output:
        failed("npm ci in bridge/", output, "check the network, then `cd bridge && npm ci`; the live tests skip")
        return False
    return True


def provision_viewer(debian_ready: bool) -> None:
    modules = VIEWER / "node_modules"
    if not stale(modules / ".package-lock.json", VIEWER / "package-lock.json"):
        log.info("viewer: npm packages up to date")
        return
    if not debian_ready:
        log.warning("viewer: not built (its Debian packages are missing, above); the viewer frame tests skip")
        return
    log.info("viewer: npm ci with a native build of canvas and gl (~3 min)…")
    env = {"npm_config_nodedir": "/usr"} if (NODE_HEADERS / "node_version.h").is_file() else {}
    output = run(["npm", "ci", "--no-audit", "--no-fund"], cwd=VIEWER, env=env) or run(
        ["node", "-e", VIEWER_LOAD_CHECK], cwd=VIEWER
    )
    if output:
        shutil.rmtree(modules, ignore_errors=True)  # a broken build must not look installed: the tests skip
        failed("the viewer's build", output, "cd bridge/viewer && npm_config_nodedir=/usr npm ci")


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="provision: %(message)s", stream=sys.stderr)
    if not provision_venv():
        return 1
    node_ready = provision_node()
    debian_ready = provision_debian()
    if node_ready:
        provision_bridge()
        provision_viewer(debian_ready)
    else:
        log.warning("bridge, viewer: npm packages not installed (no Node %d); the live tests skip", NODE_MAJOR)
    return 0


if __name__ == "__main__":
    sys.exit(main())
