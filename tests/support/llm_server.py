"""A local HTTP server that speaks the OpenAI chat-completions API with scripted replies.

For tests, benchmarks and offline demos: it binds 127.0.0.1 only, on a free port, and answers
``POST /v1/chat/completions`` with whatever a script returns for the request (an HTTP error such as
429, a reply slower than the client's time-out, a huge reply, a raw body). :func:`oracle_script`
answers the agent's roles sensibly from the prompt alone (the records, the listed relations), so a
full run can go through the real ``openai`` SDK without any model; :func:`first_then` puts scripted
faults in front of a script. The server keeps each request and its headers (``requests``;
``headers``, names in lower case); ``GET /v1/models`` (the start-up reachability check) lists one model
and is counted in ``model_lists``, not in ``requests``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Scripted:
    """One scripted answer: ``content`` (the message text), or an HTTP ``status`` error, or a raw
    ``body``; ``delay`` seconds before answering (to provoke client time-outs)."""

    content: str | None = None
    status: int = 200
    body: bytes | None = None
    delay: float = 0.0


Script = Callable[[dict[str, Any]], Scripted]


def completion(content: str, model: str, prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    return {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class ScriptedServer:
    """``with ScriptedServer(script) as server: server.base_url`` -> ``http://127.0.0.1:PORT/v1``."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.model_lists = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                outer.model_lists += 1
                found = self.path.rstrip("/").endswith("/models")
                body = {"object": "list", "data": [{"id": "scripted", "object": "model", "owned_by": "adam"}]}
                payload = json.dumps(body if found else {"error": {"message": "not found"}}).encode()
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    request = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    request = {}
                outer.requests.append(request)
                outer.headers.append({k.lower(): v for k, v in self.headers.items()})
                try:
                    answer = outer.script(request)
                except Exception as err:  # a broken script answers like a broken server: HTTP 500
                    answer = Scripted(status=500, body=json.dumps({"error": {"message": repr(err)}}).encode())
                if answer.delay:  # deliberate: a slow endpoint, to provoke the client's time-out
                    time.sleep(answer.delay)
                if answer.body is not None:
                    payload, status = answer.body, answer.status
                elif answer.status != 200:
                    payload = json.dumps({"error": {"message": "scripted error", "type": "server_error"}}).encode()
                    status = answer.status
                else:
                    text = answer.content or ""
                    prompt = sum(len(str(m.get("content", ""))) for m in request.get("messages", [])) // 4
                    body = completion(text, request.get("model", "scripted"), prompt, len(text) // 4 + 1)
                    payload, status = json.dumps(body).encode(), 200
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a time-out test)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def first_then(answers: Iterable[Scripted | None], then: Script, role: str | None = None) -> Script:
    """A script that answers the requests (of ``role`` only, when given) with ``answers`` in order, then
    with ``then``; a None answer defers that request to ``then``."""
    queue = list(answers)
    lock = threading.Lock()

    def script(request: dict[str, Any]) -> Scripted:
        if role is None or role_of(request) == role:
            with lock:
                answer = queue.pop(0) if queue else None
            if answer is not None:
                return answer
        return then(request)

    return script


def role_of(request: dict[str, Any]) -> str:
    for message in request.get("messages", []):
        content = str(message.get("content", ""))
        if message.get("role") == "system" and content.startswith("adam:"):
            return content[5:].split(" ", 1)[0]
    return ""


def _user(request: dict[str, Any]) -> str:
    users = [m for m in request.get("messages", []) if m.get("role") == "user"]
    return str(users[0].get("content", "")) if users else ""


def _line_after(text: str, marker: str) -> str:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(marker):
            rest = line[len(marker) :].strip()
            return rest or (lines[i + 1] if i + 1 < len(lines) else "")
    return ""


def oracle_script(request: dict[str, Any]) -> Scripted:
    """Sensible answers derived from the prompt only (no model): consumed items and effects from the
    records; a plan from the listed relations (graph search); the plan step's action for the actor."""
    role, text = role_of(request), _user(request)
    if role == "hypothesis":
        records = json.loads(next(line for line in text.splitlines() if line.startswith("[")))
        wins = [r for r in records if r["success"]] or records
        held = [i for i in wins[0]["before"] if i not in wins[0]["consumed"]]
        reply = {"consumed": wins[0]["consumed"], "held": held[-3:], "effects": wins[0]["added"]}
        return Scripted(json.dumps(reply))
    if role == "planner":
        from agent.planner import GraphPlanner
        from causal_graph.graph import CausalGraph
        from env.interface.relation import CausalRelation, Need

        goal = text.split("Goal: hold ", 1)[1].split("\n", 1)[0].rstrip(".")
        quantity, _, item = goal.partition(" of ")
        inventory = json.loads(_line_after(text, "Inventory now:"))
        rels = []
        for line in text.split("Learned actions", 1)[1].splitlines()[1:]:
            if line.startswith('{"action"'):
                e = json.loads(line)
                alts = e.get("alternatives", {})
                needs = {i: Need(q, True, tuple(alts.get(i, ()))) for i, q in e["consumed"].items()}
                needs.update({i: Need(1, False, tuple(alts.get(i, ()))) for i in e["held"]})
                rels.append(CausalRelation(e["action"], needs, e["yields"]))
        plan = GraphPlanner().plan(CausalGraph.from_relations(rels), item, inventory, int(quantity))
        steps = [[s.action, s.count] for s in plan.steps] if plan else []
        return Scripted(json.dumps({"steps": steps}))
    if role == "actor":
        options = _line_after(text, "Options:").split(", ")
        unreachable = "unreachable" in _line_after(text, "Last outcome:")
        moves = [o for o in options if o.startswith(("move_", "turn_"))]
        choice = moves[0] if unreachable and moves else options[0]
        return Scripted(json.dumps({"action": choice}))
    if role == "perception":
        view = {"block": "sky", "horizontal": "centre", "vertical": "upper", "distance": "far", "fraction": 0.4}
        return Scripted(json.dumps({"blocks": [view], "text": "scripted view: open sky ahead"}))
    return Scripted(json.dumps({}))


def knowing_script(relations: Iterable[Any], wrong: Callable[[str], bool] = lambda action: False) -> Script:
    """A model that knows the game: the ``belief`` role answered from ``relations`` (``CausalRelation``s, e.g.
    Minecraft 1.19's, :func:`env.prior.minecraft_relations`), ``{"unknown": true}`` for an action it has none for;
    for the actions ``wrong`` picks, a confident wrong belief (it swaps what is consumed and what is held, and
    believes one more held item). Every other role as :func:`oracle_script`."""
    known = {rel.action: rel for rel in relations}

    def script(request: dict[str, Any]) -> Scripted:
        if role_of(request) != "belief":
            return oracle_script(request)
        action = _line_after(_user(request), "Action:")
        rel = known.get(action)
        if rel is None:
            return Scripted(json.dumps({"unknown": True}))
        consumed = {i: n.quantity for i, n in rel.needs.items() if n.consumed}
        held = [i for i, n in rel.needs.items() if not n.consumed]
        if wrong(action):
            consumed, held = {i: 1 for i in held}, list(consumed)
            held.append(next(i for i in ("dirt", "sand") if i not in consumed and i not in held))
        return Scripted(json.dumps({"consumed": consumed, "held": held, "yields": dict(rel.yields)}))

    return script
