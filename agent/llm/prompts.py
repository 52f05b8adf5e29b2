"""Prompt files (agent/prompts/*.txt) rendered with ``string.Template.substitute``: a missing field
raises, an unused one is a bug caught by the tests."""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template

ROLES = ("hypothesis", "planner", "actor", "perception", "belief")


@cache
def template(name: str) -> Template:
    text = resources.files("agent").joinpath("prompts", f"{name}.txt").read_text()
    return Template(text)


def render(name: str, **fields: object) -> str:
    """Render prompt ``name`` with ``fields`` (KeyError naming the missing field if one is missing)."""
    return template(name).substitute({k: str(v) for k, v in fields.items()})


def system_message(role: str) -> dict[str, str]:
    return {"role": "system", "content": f"adam:{role} — reply with a single JSON object, no prose."}
