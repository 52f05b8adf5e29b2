"""A sweep folder remembers the configuration that defines its cells and their results
(``config.json`` beside ``runs/``). Running the same ``--name`` again with the same configuration
resumes the sweep; with another one it is refused, naming what differs, before anything is written:
a folder never mixes cells run under different settings, and its tables never silently lose cells."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from agent.llm.redact import redact_url
from agent.runlog import atomic_write_json

CONFIG_FILE = "config.json"
FORMAT, VERSION = "adam-sweep-config", 1
OPTION = {"methods": "--methods", "variants": "--variants", "seeds": "--seeds", "llm": "--llm",
          "base_url": "--base-url", "max_steps": "--max-steps"}  # fmt: skip
UNORDERED = ("methods", "variants", "llm")  # the same cells in another order are the same sweep


@dataclass(frozen=True)
class SweepConfig:
    """What decides a sweep's cells and their results (not how they are run: workers, Ray, retries)."""

    methods: tuple[str, ...]
    variants: tuple[str, ...]
    seeds: int
    max_steps: int
    llm: tuple[str, ...] = ()
    base_url: str | None = None  # the endpoint the LLM cells use (``--base-url`` or $OPENAI_BASE_URL), redacted

    def to_dict(self) -> dict[str, Any]:
        data = {**asdict(self), "methods": list(self.methods), "variants": list(self.variants), "llm": list(self.llm)}
        return {"format": FORMAT, "version": VERSION, **data, "base_url": redact_url(self.base_url)}

    def differences(self, recorded: dict[str, Any]) -> list[str]:
        """``--max-steps 20000 then, 500 now``, one per setting that differs from ``recorded``."""
        mine = self.to_dict()
        out = []
        for f in fields(self):
            then, now = recorded.get(f.name), mine[f.name]
            same = sorted(then or []) == sorted(now) if f.name in UNORDERED and isinstance(then, list) else then == now
            if not same:
                out.append(f"{OPTION[f.name]} {_show(then)} then, {_show(now)} now")
        return out


def _show(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(map(str, value)) or "(none)"
    return "(none)" if value is None else str(value)


def claim(folder: Path, config: SweepConfig) -> None:
    """Make ``folder`` a sweep folder of ``config``, or check that it already is one: ValueError (one line)
    when it was made with another configuration, or before sweeps recorded theirs. Nothing is written then."""
    path = folder / CONFIG_FILE
    if path.exists():
        recorded = _read(path)
        differs = config.differences(recorded)
        if differs:
            raise ValueError(
                f"sweep folder {folder} was made with other settings ({'; '.join(differs)}): its finished cells "
                "would be mixed with new ones; run it with its own settings to resume it, or choose another --name"
            )
        return
    if (folder / "runs").is_dir() and any((folder / "runs").iterdir()):
        raise ValueError(
            f"sweep folder {folder} holds runs but no {CONFIG_FILE} (made before sweeps recorded their settings), "
            "so its cells cannot be checked against these settings; choose another --name"
        )
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    atomic_write_json(path, config.to_dict(), indent=1)


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except ValueError as err:
        raise ValueError(f"{path}: not a sweep configuration ({err})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path}: not a sweep configuration (format {FORMAT!r} expected)")
    if data.get("version") != VERSION:
        raise ValueError(f"{path}: sweep configuration version {data.get('version')!r}; this adam reads {VERSION}")
    return data
