"""bench registers its own commands (``adam bench``, ``adam sweep``) through the ``adam.commands`` entry points:
agent/cli.py never imports bench, a stale install still finds them (from pyproject.toml, with a warning), and a
command whose module cannot load stays listed and fails with one error line."""

from __future__ import annotations

import argparse
import logging

import pytest

from agent import plugins
from agent.cli import build_parser, main
from agent.plugins import CommandPlugin, add_plugin_parsers, command_plugins, declared
from bench.harness.command import bench_command, sweep_command

BENCH = {
    "bench": "bench.harness.command:add_bench_parser",
    "sweep": "bench.harness.command:add_sweep_parser",
}


def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_the_installed_entry_points_and_pyproject_declare_the_bench_commands():
    assert plugins.installed() == BENCH  # scripts/test reinstalls when pyproject's entry points change
    assert declared() == BENCH


def test_adam_bench_and_sweep_dispatch_to_bench_through_the_entry_points():
    parser = build_parser()
    assert {"bench", "sweep"} <= commands(parser).keys()
    assert parser.parse_args(["bench", "--quick"]).command_handler is bench_command
    assert parser.parse_args(["sweep"]).command_handler is sweep_command


def test_a_stale_install_finds_the_commands_in_pyproject_and_says_so(caplog):
    with caplog.at_level(logging.WARNING, logger="agent.plugins"):
        found = command_plugins(from_metadata={}, from_pyproject=declared())
    assert found == [CommandPlugin(name, target) for name, target in sorted(BENCH.items())]
    assert "bench, sweep are declared in pyproject.toml but not installed" in caplog.text
    assert "pip install -e ." in caplog.text


def test_the_command_line_works_without_the_installed_entry_points(monkeypatch, capsys):
    monkeypatch.setattr(plugins, "installed", dict)  # an editable install from before the entry points
    with pytest.raises(SystemExit) as done:
        main(["sweep", "--help"])
    assert done.value.code == 0
    assert "adam sweep --methods ours" in capsys.readouterr().out


def test_the_installed_target_wins_over_pyproject():
    found = command_plugins(from_metadata={"bench": "elsewhere:add"}, from_pyproject=BENCH)
    assert [(p.name, p.target) for p in found] == [("bench", "elsewhere:add"), ("sweep", BENCH["sweep"])]


@pytest.mark.parametrize("target", ["no_such_module_here:add", "bench.harness.command:no_such_function", "nocolon"])
def test_a_command_that_cannot_load_stays_listed_and_fails_in_one_line(target, capsys):
    parser = argparse.ArgumentParser(prog="adam")
    add_plugin_parsers(parser.add_subparsers(dest="command"), [CommandPlugin("ghost", target)])
    args = parser.parse_args(["ghost", "--any", "option"])
    with pytest.raises(ValueError, match=r"^adam ghost is unavailable: .* failed to load \(\w+Error: "):
        args.command_handler(args)


def test_pyproject_of_another_project_or_none_declares_nothing(tmp_path):
    assert declared(tmp_path / "pyproject.toml") == {}
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "other"\n[project.entry-points."adam.commands"]\nx = "m:f"\n')
    assert declared(other) == {}


def test_adam_with_a_command_that_cannot_load_runs_the_others_and_names_the_error(monkeypatch, capsys):
    monkeypatch.setattr(plugins, "installed", lambda: {**BENCH, "ghost": "no_such_module_here:add"})
    assert main(["ghost", "--quick"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: adam ghost is unavailable: no_such_module_here:add failed to load")
    assert len(err.splitlines()) == 1 and "ModuleNotFoundError" in err
    with pytest.raises(SystemExit) as done:
        main(["bench", "--help"])
    assert done.value.code == 0
