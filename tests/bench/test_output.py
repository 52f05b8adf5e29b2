"""What a person sees from `adam bench`/`adam sweep`: tables that fit an 80-column terminal with the box
intact, the paper's rows labelled in their own unit, one progress bar on stderr that ends at the real
count, nothing but warnings with --quiet, and help with examples and every option described."""

from __future__ import annotations

import argparse
import contextlib
import io
import json

import pytest

from agent.cli import build_parser, main

ARGS = ["--seeds", "1", "--methods", "ours,prior", "--variants", "original,adam_modified", "--workers", "2"]


def boxes_intact(text: str, width: int) -> bool:
    """Every line fits ``width``; every table row starts and ends on its box's edge."""
    lines = text.splitlines()
    if any(len(line) > width for line in lines):
        return False
    edges = {"┃": "┃", "│": "│", "┏": "┓", "┡": "┩", "└": "┘"}
    return all(line.rstrip().endswith(edges[line[0]]) for line in lines if line and line[0] in edges)


@pytest.fixture(scope="module")
def bench_80(tmp_path_factory):
    """One `adam bench` at 80 columns: its stdout, stderr and folder (capsys is per test: captured here)."""
    out = tmp_path_factory.mktemp("bench")
    mp = pytest.MonkeyPatch()
    mp.setenv("COLUMNS", "80")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["bench", *ARGS, "--out", str(out), "--name", "b"])
    mp.undo()
    assert code == 0
    return stdout.getvalue(), stderr.getvalue(), out / "b"


def test_bench_tables_fit_80_columns_with_the_box_intact(bench_80):
    stdout, _, _ = bench_80
    assert "milestones original" in stdout and "graph" in stdout
    assert boxes_intact(stdout, 80), stdout


def test_the_papers_rows_carry_their_unit(bench_80):
    stdout, _, folder = bench_80
    for text in (stdout, (folder / "tables.md").read_text()):
        words = " ".join(text.split())  # a title may wrap in the terminal
        assert "environment steps" in words and "agent iterations" in words
    tables = json.loads((folder / "results.json").read_text())["tables"]
    paper = [row[0] for row in tables["milestones original"] if "paper" in row[0]]
    assert paper and all(label.endswith("agent iterations)") for label in paper)
    assert "env steps" in tables["graph"][0]


def test_one_progress_bar_on_stderr_ending_at_the_real_count(bench_80):
    stdout, stderr, _ = bench_80
    bars = [line for line in stderr.splitlines() if "running" in line]
    assert len(bars) == 1 and "4/4" in bars[0] and "running 0" in bars[0] and "failed 0" in bars[0]
    assert "running" not in stdout  # results on stdout, the progress on stderr


def test_sweep_table_fits_80_columns(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["sweep", *ARGS, "--out", str(tmp_path), "--name", "s"]) == 0
    out = capsys.readouterr().out
    assert "sweep s" in out and boxes_intact(out, 80), out


def test_quiet_prints_nothing(tmp_path, capsys):
    assert main(["sweep", *ARGS, "--out", str(tmp_path), "--name", "q", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.parametrize("command", ["bench", "sweep"])
def test_help_has_examples_and_describes_every_option(command, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    parser = sub.choices[command]
    undescribed = [a.option_strings for a in parser._actions if a.option_strings and not (a.help or "").strip()]
    assert not undescribed
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert all(len(line) <= 80 for line in text.splitlines())
    examples = text.split("examples:\n", 1)[1].replace("\\\n", "").splitlines()
    lines = [line.split() for line in examples if line.strip().startswith(f"adam {command} ")]
    assert len(lines) >= 2
    for words in lines:
        build_parser().parse_args(words[1:])  # each example is a valid command line
