"""What a person sees of ``adam run``: in a real pseudo-terminal one live view with the log lines above it
and the final table intact; piped, results on stdout and nothing glued together; the view's lines."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from rich.console import Console

from agent.cli import main
from agent.live_view import elapsed, live_panel
from agent.run import RunConfig, new_run
from tests.support.llm_server import ScriptedServer, oracle_script

CSI = re.compile(r"\x1b\[([?0-9;]*)([A-Za-z])")


def screen(data: bytes, width: int) -> list[str]:
    """What a terminal ``width`` columns wide shows (scroll-back included) after ``data``: text, carriage
    return, line feed, deferred wrap at the last column, cursor up (``CSI n A``) and erase line
    (``CSI 2K``); colours and other sequences are ignored, as they move nothing."""
    lines: list[list[str]] = [[]]
    row = col = 0
    text = data.decode("utf-8", "replace")
    i = 0
    while i < len(text):
        if text[i] == "\x1b":
            match = CSI.match(text, i)
            if match:
                args, command = match.groups()
                if command == "A":
                    row = max(0, row - int(args or 1))
                elif command == "K" and args == "2":
                    lines[row] = []
                i = match.end()
                continue
            i += 1
            continue
        char = text[i]
        i += 1
        if char == "\r":
            col = 0
        elif char == "\n":
            row += 1
            col = 0
        elif char >= " ":
            if col >= width:  # deferred wrap: the character after the last column starts a new row
                row, col = row + 1, 0
            while len(lines) <= row:
                lines.append([])
            line = lines[row]
            line.extend(" " * (col - len(line)))
            line[col : col + 1] = [char]
            col += 1
        while len(lines) <= row:
            lines.append([])
    return ["".join(line).rstrip() for line in lines]


def in_a_terminal(argv: list[str], width: int, height: int = 30) -> tuple[list[str], int]:
    """Run ``adam ARGV`` with stdout and stderr on one pseudo-terminal of that size; its screen and exit code."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "TERM")}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen([sys.executable, "-m", "agent.cli", *argv], stdout=follower, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return screen(b"".join(chunks), width), process.wait(timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("width", [80, 160])
def test_one_live_view_with_log_lines_above_it_and_the_final_table_intact(tmp_path, width):
    with ScriptedServer(oracle_script) as server:
        argv = ["-v", "run", "--llm", "openai:m", "--base-url", server.base_url, "--out", str(tmp_path)]
        lines, code = in_a_terminal([*argv, "--max-steps", "800", "--no-picture"], width)
    assert code == 0  # the diamond is reached; the budget ends the learning after it
    heads = [i for i, line in enumerate(lines) if line.startswith("ADAM ")]
    assert len(heads) == 1, "a stale copy of the live view is left on screen:\n" + "\n".join(lines[-80:])
    logs = [i for i, line in enumerate(lines) if "DEBUG" in line or "INFO" in line]
    assert len(logs) > 100 and max(logs) < heads[0]  # every log line printed above the view
    assert any("goal diamond reached" in line for line in lines[: heads[0]])
    view = lines[heads[0] :]
    assert any(line.startswith("LLM openai:m: ") and "answers" in line for line in view)
    assert "elapsed" in lines[heads[0]] and "phase done" in lines[heads[0]]
    title = next(i for i, line in enumerate(view) if line.strip() == "goal reached (800 steps)")
    box = view[title + 1 : title + 9]
    assert box[0].startswith("┏") and box[-1].startswith("└"), box
    assert all(len(line) == len(box[0]) for line in box)
    assert any(line.startswith("LLM m: ok — ") for line in view[title:])


def test_piped_results_on_stdout_and_nothing_glued(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "agent.cli", "run", "--max-steps", "60", "--out", str(tmp_path), "--no-picture"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    out = done.stdout.splitlines()
    assert out[0].strip() == "goal NOT reached (60 steps)"  # the title on a line of its own, first
    assert out[1].startswith("┏") and out[-1].startswith("run folder: ")
    assert "step budget exhausted (60 steps)" in done.stdout
    assert "ADAM " not in done.stderr and "┏" not in done.stderr  # no view when stderr is not a terminal


def test_the_view_shows_elapsed_time_phase_and_llm_calls(tmp_path):
    with ScriptedServer(oracle_script) as server:
        config = RunConfig(out=str(tmp_path), llm="openai:m", base_url=server.base_url, max_steps=80, picture=False)
        run = new_run(config)
        run.loop()
    console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(live_panel(run, run.controller))
    text = console.export_text()
    assert "phase done" in text and "elapsed " in text and "steps 80/80" in text
    calls = run.tally.calls
    assert calls > 0 and f"LLM openai:m: {calls} calls, {calls} answers" in text
    assert [elapsed(s) for s in (4.25, 187, 3723)] == ["4.2 s", "3:07", "1:02:03"]


def test_an_unavailable_llm_is_shown_in_the_view(tmp_path):
    from tests.support.llm_server import Scripted

    with ScriptedServer(lambda request: Scripted(status=503)) as server:
        config = RunConfig(
            out=str(tmp_path), llm="openai:m", base_url=server.base_url, max_steps=80, picture=False, llm_retries=0
        )
        run = new_run(config)
        run.loop()
    console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(live_panel(run, run.controller))
    assert "UNAVAILABLE: the offline agent decides" in console.export_text()


def test_results_go_to_stdout_and_logs_to_stderr(tmp_path, capsys):
    code = main(["run", "--goal", "blackstone", "--out", str(tmp_path), "--no-picture", "--max-steps", "200"])
    captured = capsys.readouterr()
    assert code == 1
    assert "goal NOT reached" in captured.out and "run folder:" in captured.out
    assert "goal NOT reached" not in captured.err and "run folder:" not in captured.err
    assert Path(captured.out.splitlines()[-1].split("run folder: ")[1]).is_dir()
