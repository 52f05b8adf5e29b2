"""Every bad input of bench/bad_inputs.py, in-process: exit 2, one ``error:`` line on stderr, no traceback,
nothing on stdout, and the ``--out`` folder or the run folder exactly as it was."""

from __future__ import annotations

import sys

import pytest

from agent.cli import main
from bench.bad_inputs import CASES, Templates, make_templates, run_case


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Templates:
    return make_templates(tmp_path_factory.mktemp("templates"), [sys.executable, "-m", "agent.cli"])


@pytest.mark.parametrize("case", CASES, ids=[c.input for c in CASES])
def test_bad_input_ends_with_one_error_line_and_touches_nothing(case, templates, tmp_path, capsys):
    def invoke(argv: list[str]) -> tuple[int, str, str]:
        code = main(argv)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    row = run_case(case, tmp_path, templates, invoke)
    assert row.code == 2, row
    assert len(row.stderr) == 1 and row.stderr[0].startswith("error: "), row.stderr
    assert "Traceback" not in row.stderr[0] and not row.stdout
    assert case.expect in row.stderr[0]
    assert row.untouched, "the --out folder or the run folder changed"
