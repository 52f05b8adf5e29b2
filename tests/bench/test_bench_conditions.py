"""bench/bench_conditions.py: real runs in-process, one table line per condition row and variant; bad options are
one error line (exit 2)."""

from __future__ import annotations

import pytest

from agent.worlds import make_env
from bench.bench_conditions import Cell, main, parse_seeds, run_cell, summarise


def simulator_takes_conditions() -> bool:
    try:
        make_env("adam/Minecraft-v0", 0, "original", {}, ("noisy:0.1",)).close()
    except ValueError:
        return False
    return True


def test_the_default_row_on_seed_0(tmp_path, capsys):
    argv = ["--seeds", "0", "--variants", "original", "--conditions", "default", "--workers", "1"]
    argv += ["--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "default" in line and "original" in line)
    cells = [cell.strip() for cell in row.strip("│ ").split("│")]
    assert cells == ["default", "original", "1/1", "1/1", "193", "2 (2)", "1"]  # one ore dug for nothing, one mined


def test_summary_counts_shd0_and_diamonds_and_takes_medians(tmp_path):
    results = [
        run_cell(Cell("default", "original", 0, str(tmp_path))),
        run_cell(Cell("default", "original", 0, str(tmp_path), max_steps=100)),  # no diamond within 100 steps
    ]
    (line,) = summarise(results)
    assert line["n"] == 2 and line["diamond"] == 1 and line["median_steps"] == 193
    assert line["shd0"] == 1  # the cut run has not learned the tree
    # median of 2 and 1 (the cut run broke one diamond ore for nothing: counted, though it never learned to mine)
    assert line["ore_learning"] == 1.5 and line["ore_learning_max"] == 2


@pytest.mark.skipif(not simulator_takes_conditions(), reason="the simulator takes no conditions= yet")
def test_a_condition_row_runs_with_its_conditions(tmp_path):
    result = run_cell(Cell("noisy:1.0", "original", 0, str(tmp_path), max_steps=60))
    assert result["diamond"] is None and result["ore_learning"] == 0  # every macro-action loses its way


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--seeds", "x"], "--seeds"),
        (["--seeds", "0", "--workers", "0"], "--workers"),
        (["--seeds", "0", "--variants", ","], "--variants"),
    ],
)
def test_bad_options_are_one_error_line(capsys, argv, words):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and words in err and "\n" not in err


def test_parse_seeds():
    assert parse_seeds("0-3") == [0, 1, 2, 3] and parse_seeds("4") == [4] and parse_seeds("1,5") == [1, 5]
    with pytest.raises(ValueError, match="--seeds"):
        parse_seeds("3-1")
