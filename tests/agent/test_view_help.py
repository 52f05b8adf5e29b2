"""Every ``--help`` of ``adam`` teaches: each option described, each command ending with examples."""

from __future__ import annotations

import argparse

import pytest

from agent.cli import build_parser, main


def commands(parser: argparse.ArgumentParser, prefix: str = "adam") -> dict[str, argparse.ArgumentParser]:
    """``adam`` and every subcommand under it, by name (``adam run``), walking all subparsers."""
    found = {prefix: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.update(commands(sub, f"{prefix} {name}"))
    return found


def test_every_option_of_every_command_has_a_description():
    missing = [
        f"{name} {'/'.join(action.option_strings) or action.dest}"
        for name, parser in commands(build_parser()).items()
        for action in parser._actions
        if not isinstance(action, argparse._SubParsersAction) and not (action.help or "").strip()
    ]
    assert not missing, "options without a description: " + ", ".join(missing)


def test_every_command_ends_its_help_with_examples():
    lacking = [
        name
        for name, parser in commands(build_parser()).items()
        if "examples:" not in (parser.epilog or "")
        or not isinstance(parser.formatter_class, type)
        or not issubclass(parser.formatter_class, argparse.RawDescriptionHelpFormatter)
    ]
    assert not lacking, "commands whose --help has no examples epilog (RawDescriptionHelpFormatter): " + ", ".join(
        lacking
    )


@pytest.mark.parametrize("command", ["adam", "adam run", "adam live", "adam demo", "adam items"])
def test_help_prints_examples_that_parse(command, capsys):
    argv = command.split()[1:]
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    examples = text.split("examples:\n", 1)[1].replace("\\\n", "").splitlines()
    lines = [line.split("#")[0].split() for line in examples if line.strip().startswith("adam ")]
    assert 2 <= len(lines) <= 3, examples
    parser = build_parser()
    for words in lines:
        parser.parse_args(words[1:])  # each example is a valid command line


def test_llm_roles_help_lists_every_role(capsys):
    from agent.llm.prompts import ROLES

    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    start = text.index("--llm-roles ROLE,... ")
    described = text[start : start + 600]
    assert all(role in described for role in ROLES) and "--perception llm" in described
