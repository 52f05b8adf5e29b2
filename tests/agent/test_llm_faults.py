"""The LLM path ends honestly: every failed attempt recorded and counted, replies that are not what
was asked refused, a fallback labelled as one, huge replies bounded, no credential in any log, and
no real name in an obfuscated world's prompts. All through the real openai SDK against the real
local chat-completions server."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path

import gymnasium as gym
import pytest

from agent.cli import main
from agent.llm.client import LLMError, OpenAIClient, UsageBook
from agent.llm.recording import MAX_REPLY_BYTES, REPLY_PREFIX_CHARS, RecordingClient
from agent.llm.redact import CredentialFilter, redact
from agent.llm.replies import ReplyError, parse_action, parse_hypothesis, parse_plan
from agent.llm.roles import LLMPlanner, LLMProposer
from agent.llm.vision import LLMDescriber, parse_description
from agent.perceive import Perceiver
from agent.runlog import read_events
from causal_graph import CausalGraph, CausalRelation
from env.interface import Transition
from env.render import frame_palette
from perception.offline import OfflineDescriber
from tests.support.llm_server import Scripted, ScriptedServer, first_then, oracle_script, role_of

HI = [{"role": "user", "content": "hi"}]


def run_folder(out: Path) -> Path:
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return folder


def comparable(events: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k not in ("t", "wall")} for e in events]


def recorder() -> tuple[list[tuple[str, dict]], Callable[..., None]]:
    events: list[tuple[str, dict]] = []
    return events, lambda kind, **data: events.append((kind, data))


# ------------------------------------------------------------------ every failed attempt is recorded
def test_every_failed_attempt_is_in_the_llm_call_event_and_the_usage_book():
    answers = [Scripted(status=429), Scripted(status=429), Scripted('{"a": 1}', delay=1.0), Scripted('{"a": 1}')]
    answers += [Scripted(status=429)] * 4 + [Scripted(status=400)]
    events, emit = recorder()
    with ScriptedServer(first_then(answers, lambda request: Scripted("{}"))) as server:
        inner = OpenAIClient("m", server.base_url, timeout=0.4, max_retries=3, sleep=lambda s: None)
        client = RecordingClient(inner, emit, UsageBook())
        assert client.complete("planner", HI).text == '{"a": 1}'  # 429, 429, time-out, then the answer
        with pytest.raises(LLMError, match="4 attempts"):
            client.complete("planner", HI)
        with pytest.raises(LLMError, match="not retried"):
            client.complete("actor", HI)
    calls = [data for kind, data in events if kind == "llm_call"]
    assert [(c["ok"], c["attempts"], c["attempt_errors"]) for c in calls] == [
        (True, 4, ["HTTP 429", "HTTP 429", "APITimeoutError"]),
        (False, 4, ["HTTP 429"] * 4),
        (False, 1, ["HTTP 400"]),
    ]
    usage = client.usage.to_dict()
    assert usage["planner"] | {"prompt_tokens": 0, "completion_tokens": 0} == {
        "calls": 2, "failures": 1, "prompt_tokens": 0, "completion_tokens": 0,
        "retries": 6, "rate_limited": 6, "timeouts": 1,
    }  # fmt: skip
    assert usage["actor"]["failures"] == 1 and usage["actor"]["retries"] == 0


@pytest.mark.slow
def test_a_recorded_run_with_429s_timeouts_and_a_huge_reply_counts_them_and_replays_the_same(tmp_path, capsys):
    """Planner: two 429s and a time-out before its first answer; actor: a 300 KB first reply."""
    huge = json.dumps({"action": "x" * 300_000})
    script = first_then(
        [Scripted(status=429), Scripted(status=429), Scripted("{}", delay=2.5)], oracle_script, "planner"
    )
    script = first_then([Scripted(huge)], script, "actor")
    out = tmp_path / "rec"
    with ScriptedServer(script) as server:
        code = main(["run", "--llm", "openai:m", "--base-url", server.base_url, "--out", str(out), "--json",
                     "--no-picture", "--llm-roles", "planner,actor", "--llm-timeout", "1"])  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert code == 0 and result["goal_reached"]
    usage = result["llm"]["usage"]
    assert (usage["planner"]["rate_limited"], usage["planner"]["timeouts"], usage["planner"]["retries"]) == (2, 1, 3)
    assert usage["actor"]["failures"] >= 1
    folder = run_folder(out)
    events, _ = read_events(folder / "events.jsonl")
    calls = [e for e in events if e["kind"] == "llm_call"]
    first_plan = next(c for c in calls if c["role"] == "planner")
    assert first_plan["ok"] and first_plan["attempt_errors"] == ["HTTP 429", "HTTP 429", "APITimeoutError"]
    big = next(c for c in calls if c["role"] == "actor")
    assert not big["ok"] and big["error"] == f"actor: reply too large: {len(huge)} bytes (limit {MAX_REPLY_BYTES})"
    assert big["reply"] == huge[:REPLY_PREFIX_CHARS] and big["reply_bytes"] == len(huge)
    assert big["reply_sha256"] == hashlib.sha256(huge.encode()).hexdigest()
    assert any(e["kind"] == "llm_failure" and e["failure"] == "too_large" for e in events)
    longest = max(len(line) for line in (folder / "events.jsonl").read_bytes().splitlines())
    assert longest < 20_000, f"an event of {longest} bytes"

    replay_out = tmp_path / "replay"
    code = main(["run", "--replay-llm", str(folder), "--out", str(replay_out), "--json", "--no-picture"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["llm"]["usage"] == usage
    replayed, _ = read_events(run_folder(replay_out) / "events.jsonl")
    assert comparable(replayed) == comparable(events)


# ------------------------------------------------------------------- replies must be what was asked
ITEMS = {"oak_log", "stick", "crafting_table"}


@pytest.mark.parametrize(
    "reply",
    [
        {"action": "__import__('os').system('touch /tmp/pwned')"},  # a reply for another prompt
        {},
        {"consumed": {}, "held": []},  # a missing key
        {"consumed": {}, "held": [], "effects": {"oak_log": 1}, "code": "print(1)"},  # an extra key
        {"consumed": [], "held": [], "effects": {"oak_log": 1}},
        {"consumed": {}, "held": "crafting_table", "effects": {"oak_log": 1}},
        {"consumed": {}, "held": [], "effects": {}},  # nothing yielded
        {"consumed": {}, "held": ["os.system"], "effects": {"oak_log": 1}},
        {"consumed": {}, "held": [], "effects": {"oak_log": "1"}},
    ],
)
def test_a_hypothesis_that_is_not_what_the_prompt_asked_is_refused(reply):
    with pytest.raises(ReplyError):
        parse_hypothesis(json.dumps(reply), ITEMS)


def test_the_other_parsers_refuse_unknown_missing_and_empty_fields():
    assert parse_hypothesis('{"consumed": {}, "held": [], "effects": {"stick": 4}}', ITEMS).effects == {"stick": 4}
    for bad in ('{"steps": [["craft_stick", 1]], "note": "x"}', '{"plan": [["craft_stick", 1]]}', '{"steps": []}'):
        with pytest.raises(ReplyError):
            parse_plan(bad, {"craft_stick"})
    for bad in ('{"action": "craft_stick", "why": "eval(1)"}', '{"choice": "craft_stick"}', '{"action": ""}'):
        with pytest.raises(ReplyError):
            parse_action(bad, {"craft_stick"})
    region = {"block": "stone", "horizontal": "left", "vertical": "lower", "distance": "near", "fraction": 0.2}
    good = {"blocks": [region], "text": "stone on the left"}
    assert parse_description(json.dumps(good), {"stone"}, 160, 120).blocks[0].block == "stone"
    bads = [
        {"blocks": [region]}, {"blocks": [], "text": "nothing"}, {"blocks": [region], "text": 3},
        {"blocks": [{**region, "exec": "x"}], "text": "t"}, {"blocks": [{**region, "fraction": None}], "text": "t"},
        {"blocks": [dict(list(region.items())[:4])], "text": "t"},
        {"blocks": [region] * 65, "text": "t"}, {"blocks": [region], "text": "t", "code": "x"},
    ]  # fmt: skip
    for bad in bads:
        with pytest.raises(ReplyError):
            parse_description(json.dumps(bad), {"stone"}, 160, 120)


def test_an_action_reply_to_the_hypothesis_prompt_is_a_counted_failure_with_a_bounded_retry():
    events, emit = recorder()
    reply = Scripted(json.dumps({"action": "__import__('os').system('touch /tmp/pwned')"}))
    sample = Transition(1, "gather_oak_log", {}, {"oak_log": 1}, {}, {"oak_log": 1}, True, "ok")
    with ScriptedServer(lambda request: reply) as server:
        client = RecordingClient(OpenAIClient("m", server.base_url, timeout=5, max_retries=0), emit)
        assert LLMProposer(client, emit).propose("gather_oak_log", [sample], []) is None
        assert len(server.requests) == 2
    failures = [d for k, d in events if k == "llm_failure"]
    assert [(f["failure"], f["attempt"]) for f in failures] == [("wrong_shape", 1), ("wrong_shape", 2)]
    assert [k for k, _ in events].count("llm_fallback") == 1


# --------------------------------------------------------------------- a fallback says it is one
def test_a_planner_fallback_is_labelled_offline_with_the_reason(tmp_path, capsys):
    graph = CausalGraph.from_relations([CausalRelation("gather_oak_log", {}, {"oak_log": 1})])
    events, emit = recorder()
    with ScriptedServer(lambda request: Scripted("not json")) as server:
        client = RecordingClient(OpenAIClient("m", server.base_url, timeout=5, max_retries=0), emit)
        plan = LLMPlanner(client, emit).plan(graph, "oak_log", {})
    assert plan.source == "offline" and plan.fallback.startswith("llm: not_json")
    assert plan.to_dict()["source"] == "offline"

    def script(request):
        return Scripted("not json") if role_of(request) == "planner" else oracle_script(request)

    with ScriptedServer(script) as server:
        code = main(["run", "--llm", "openai:m", "--base-url", server.base_url, "--out", str(tmp_path), "--json",
                     "--no-picture", "--llm-roles", "planner"])  # fmt: skip
    result = json.loads(capsys.readouterr().out)
    assert result["goal_reached"]
    assert code == 3 and result["llm"]["status"] == "unavailable"  # no planner reply was usable: said so, exit 3
    events, _ = read_events(run_folder(tmp_path) / "events.jsonl")
    plans = [e for e in events if e["kind"] == "plan"]
    assert plans and all(p["source"] == "offline" and p["fallback"].startswith("llm: not_json") for p in plans)


def test_a_perception_fallback_is_labelled_offline_with_the_reason():
    world = gym.make("adam/Minecraft-v0", render_mode="rgb_array")
    world.reset(seed=0)
    frame = world.render()
    events, emit = recorder()
    with ScriptedServer(lambda request: Scripted('{"blocks": [], "text": ""}')) as server:
        client = RecordingClient(OpenAIClient("m", server.base_url, timeout=5, max_retries=0), emit)
        describer = LLMDescriber(client, emit, ["stone"], OfflineDescriber(frame_palette()))
        description = describer.describe(frame)
    assert describer.last_source.startswith("offline (llm fallback: empty")
    assert description == OfflineDescriber(frame_palette()).describe(frame)
    # and the perception event says who described the frame
    with ScriptedServer(lambda request: Scripted('{"blocks": [], "text": ""}')) as server:
        client = RecordingClient(OpenAIClient("m", server.base_url, timeout=5, max_retries=0), emit)
        describer = LLMDescriber(client, emit, ["stone"], OfflineDescriber(frame_palette()))
        Perceiver(world.render, lambda: 0, describer, emit, source="llm").look("test")
    perception = [data for kind, data in events if kind == "perception"]
    assert perception and perception[-1]["source"].startswith("offline (llm fallback: empty")


# ------------------------------------------------------------------- no credential in any log
URL_KEY = "sk-url-SECRET-7731"
ENV_KEY = "sk-env-SECRET-5519"
CLIENT_LOGGERS = ("openai", "httpx", "httpx2", "httpcore", "httpcore2")


class Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")


def test_no_credential_reaches_a_log_the_console_or_the_run_folder(tmp_path, monkeypatch, capsys):
    """The key in the base URL and in OPENAI_API_KEY, the client's loggers at DEBUG (-v), every record kept."""
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    keep = Keep()
    saved = {name: logging.getLogger(name).level for name in CLIENT_LOGGERS}
    for name in CLIENT_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
        logging.getLogger(name).addHandler(keep)
    try:
        with ScriptedServer(oracle_script) as server:
            url = server.base_url.replace("http://", f"http://user:{URL_KEY}@")
            code = main(["-v", "run", "--llm", "openai:m", "--base-url", url, "--out", str(tmp_path), "--no-picture",
                         "--llm-roles", "planner"])  # fmt: skip
            headers = list(server.headers)
    finally:
        for name in CLIENT_LOGGERS:
            logging.getLogger(name).removeHandler(keep)
            logging.getLogger(name).setLevel(saved[name])
    console = capsys.readouterr()
    assert code == 0
    assert any("HTTP Request: POST" in line for line in keep.lines), "the client's request log was not seen"
    for where, text in [("log records", "\n".join(keep.lines)), ("stdout", console.out), ("stderr", console.err)]:
        for key in (URL_KEY, ENV_KEY):
            assert key not in text, f"{key} in the {where}"
    folder = run_folder(tmp_path)
    for path in folder.rglob("*"):
        for key in (URL_KEY, ENV_KEY):
            assert key not in path.read_text(errors="ignore"), f"{key} leaked into {path.name}"
    # the credentials still authenticate, as the HTTP client would send them
    assert headers[0]["authorization"] == "Basic " + base64.b64encode(f"user:{URL_KEY}".encode()).decode()


def test_the_credential_filter_masks_every_form_of_a_key():
    record = logging.LogRecord("httpx2", logging.INFO, __file__, 1, "GET %s %s", None, None)
    record.args = (f"http://u:{URL_KEY}@h/v1?api_key={ENV_KEY}", f"Authorization: Bearer {ENV_KEY}")
    assert CredentialFilter([URL_KEY, ENV_KEY]).filter(record)
    assert URL_KEY not in record.getMessage() and ENV_KEY not in record.getMessage()
    assert redact(f"key {ENV_KEY} here", [ENV_KEY]) == "key *** here"


# ------------------------------------------------------- an obfuscated world's perception prompt
def test_obfuscated_perception_prompts_carry_only_the_names_the_agent_knows(tmp_path, capsys):
    def script(request):
        if role_of(request) != "perception":
            return oracle_script(request)
        prompt = request["messages"][1]["content"][0]["text"]
        first = prompt.split("Block kinds you may name: ", 1)[1].split("\n", 1)[0].split(", ")[0]
        region = {"block": first, "horizontal": "centre", "vertical": "lower", "distance": "near", "fraction": 0.3}
        return Scripted(json.dumps({"blocks": [region], "text": f"{first} ahead"}))

    with ScriptedServer(script) as server:
        code = main(["run", "--llm", "openai:m", "--base-url", server.base_url, "--variant", "obfuscated",
                     "--llm-roles", "actor", "--perception", "llm", "--out", str(tmp_path), "--json",
                     "--no-picture"])  # fmt: skip
        prompts = [json.dumps(r["messages"]) for r in server.requests if role_of(r) == "perception"]
    assert code == 0 and json.loads(capsys.readouterr().out)["goal_reached"]
    assert prompts
    real = [name for name in OfflineDescriber(frame_palette()).names if name != "sky"]
    for prompt in prompts:
        leaked = [name for name in real if name in prompt]
        assert not leaked, f"real block names in a perception prompt: {leaked}"
    events, _ = read_events(run_folder(tmp_path) / "events.jsonl")
    assert not [e for e in events if e["kind"] == "llm_failure" and e["role"] == "perception"]
