"""The bench plot draws a method that never reached the diamond as a failure, not as a bar of 0 steps, and
averages only the runs that reached it, saying how many."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.text import Text

from agent.run import RunConfig, new_run
from bench.harness.plot import milestone_figure, milestone_plot
from bench.harness.tables import summarise


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Real runs: one reaches the diamond, one is stopped after 60 steps (long before it)."""
    out = tmp_path_factory.mktemp("runs")
    ok = new_run(RunConfig(seed=0, out=str(out), name="ok", picture=False))
    assert ok.loop().goal_reached
    starved = new_run(RunConfig(seed=0, out=str(out), name="starved", picture=False, max_steps=60))
    assert not starved.loop().goal_reached
    groups = {
        ("full", "original"): [str(ok.folder)],
        ("half", "original"): [str(ok.folder), str(starved.folder)],
        ("starved", "original"): [str(starved.folder)],
    }
    return summarise(groups)


def test_a_method_that_never_reached_it_is_drawn_as_a_failure(summary: dict, tmp_path: Path) -> None:
    fig = milestone_figure(summary)
    ax = fig.axes[0]
    bars = {p.get_gid(): p for p in ax.patches if p.get_gid()}
    texts = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}
    failed = {line.get_gid() for line in ax.lines if (line.get_gid() or "").startswith("failed:")}
    assert "bar:starved:original" not in bars  # not a bar of 0 steps, which would look best
    assert failed == {"failed:starved:original"} and texts["count:starved:original"] == "0/1"
    step = summary["full"]["original"]["milestones"]["diamond"]["step"]["mean"]
    assert bars["bar:full:original"].get_height() == step and texts["count:full:original"] == "1/1"
    # one of two reached it: the mean is that run's steps (not halved by a 0), and the count says 1/2
    assert bars["bar:half:original"].get_height() == step and texts["count:half:original"] == "1/2"
    assert "no run reached it" in ax.get_legend().get_texts()[-1].get_text()
    assert (
        fig.get_suptitle().startswith("Environment steps to diamond")
        and ax.get_ylabel() == "environment steps to diamond"
    )
    path = milestone_plot(summary, tmp_path / "diamond_steps.png")
    assert path.read_bytes().startswith(b"\x89PNG")


def test_no_label_is_cut_off(summary: dict) -> None:
    fig = milestone_figure(summary)
    fig.canvas.draw()
    frame = fig.bbox
    low, high = fig.axes[0].get_ylim()
    hidden = {t for t in fig.axes[0].get_yticklabels() if not low <= t.get_position()[1] <= high}  # not drawn
    texts = [t for t in fig.findobj(Text) if t.get_text() and t.get_visible() and t not in hidden]
    assert {fig.get_suptitle(), "environment steps to diamond", "variant", "original"} <= {t.get_text() for t in texts}
    for text in texts:  # title, axis labels, ticks, counts, the legend
        box = text.get_window_extent()
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, text
