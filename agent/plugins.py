"""Commands that other packages add to ``adam`` (``bench`` adds ``adam bench`` and ``adam sweep``), so the command
line never imports a package above ``agent``.

A command is an entry point of the group :data:`GROUP`, named after the command, whose value is a function
``add(subparsers) -> argparse.ArgumentParser`` that adds the subparser and sets ``command_handler`` (a function of
the parsed arguments returning the exit code)::

    [project.entry-points."adam.commands"]
    bench = "bench.harness.command:add_bench_parser"

They are read from the installed metadata; a checkout whose metadata is older than its ``pyproject.toml`` (an
editable install from before an entry point was added) or that is not installed at all still finds the ones its
``pyproject.toml`` declares, with a warning saying how to reinstall. A command whose module cannot be imported
stays listed, and running it is one error line naming the import error: a command never silently disappears.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

GROUP = "adam.commands"
DISTRIBUTION = "adam-agent"
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"  # the checkout's, when agent runs from one


@dataclass(frozen=True)
class CommandPlugin:
    """One command: its name and ``module:function``, the function that adds its subparser."""

    name: str
    target: str

    def load(self) -> Callable[[argparse._SubParsersAction], argparse.ArgumentParser]:
        module, _, attribute = self.target.partition(":")
        if not module or not attribute:
            raise ValueError(f"entry point {self.name} = {self.target!r} is not module:function")
        function = importlib.import_module(module)
        for part in attribute.split("."):
            function = getattr(function, part)
        return function


def installed() -> dict[str, str]:
    """The group's entry points as the installed metadata lists them (name -> ``module:function``)."""
    return {ep.name: ep.value for ep in metadata.entry_points(group=GROUP)}


def declared(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """The group's entry points as this checkout's ``pyproject.toml`` declares them; none when there is no
    ``pyproject.toml`` of this project beside the package (an install from a wheel)."""
    if not pyproject.is_file():
        return {}
    project = tomllib.loads(pyproject.read_text()).get("project", {})
    if project.get("name") != DISTRIBUTION:
        return {}
    return dict(project.get("entry-points", {}).get(GROUP, {}))


def command_plugins(
    from_metadata: Mapping[str, str] | None = None, from_pyproject: Mapping[str, str] | None = None
) -> list[CommandPlugin]:
    """Every command, sorted by name: the installed ones, and the ones only ``pyproject.toml`` declares (a
    warning names them: the install is stale). A name both declare takes the installed target."""
    have = installed() if from_metadata is None else dict(from_metadata)
    want = declared() if from_pyproject is None else dict(from_pyproject)
    missing = sorted(set(want) - set(have))
    if missing:
        log.warning(
            "adam: command(s) %s are declared in pyproject.toml but not installed; found them there "
            "(reinstall: .venv/bin/pip install -e .)",
            ", ".join(missing),
        )
    return [CommandPlugin(name, {**want, **have}[name]) for name in sorted(want.keys() | have.keys())]


def add_plugin_parsers(sub: argparse._SubParsersAction, plugins: Iterable[CommandPlugin] | None = None) -> None:
    """Add each plugin's subparser; a plugin that fails to load gets a stand-in whose run is one error line."""
    for plugin in command_plugins() if plugins is None else plugins:
        try:
            add = plugin.load()
        except (ImportError, AttributeError, ValueError) as err:
            log.debug("command %s (%s) failed to load", plugin.name, plugin.target, exc_info=True)
            _unavailable(sub, plugin, err)
            continue
        add(sub)


def _unavailable(sub: argparse._SubParsersAction, plugin: CommandPlugin, err: Exception) -> None:
    reason = f"adam {plugin.name} is unavailable: {plugin.target} failed to load ({type(err).__name__}: {err})"
    # no option prefix: every word after the command (--help too) is taken, so running it always says why not
    parser = sub.add_parser(plugin.name, help=f"(unavailable: {type(err).__name__})", add_help=False, prefix_chars="\0")
    parser.add_argument("words", nargs=argparse.REMAINDER)

    def fail(args: argparse.Namespace) -> int:
        raise ValueError(reason)

    parser.set_defaults(command_handler=fail)
