"""The emulator's built-in model table: what ``default_models()`` and the endpoints route serve.

``default_models.json`` next to this file is a snapshot of that output. It pins the table's data
and the filling of defaults, so a change to either shows up here as a diff. After a deliberate
change, regenerate it with ``python tests/testing/test_models.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from openrouter_kit.testing import Emulator, default_models

SNAPSHOT = Path(__file__).with_name("default_models.json")


def served() -> dict[str, Any]:
    """What the emulator serves for its built-in table: the models, and each model's providers
    as ``[provider_name, tag, quantization]`` from ``GET /models/{id}/endpoints``."""
    models = default_models()
    endpoints = {}
    with Emulator() as emu, httpx.Client(base_url=emu.base_url) as client:
        for model in models:
            answer = client.get(f"/models/{model['id']}/endpoints").json()["data"]
            endpoints[model["id"]] = [
                [e["provider_name"], e["tag"], e["quantization"]] for e in answer["endpoints"]
            ]
    return {"models": models, "endpoints": endpoints}


def dump(value: Any) -> str:
    return json.dumps(value, indent=1, ensure_ascii=False) + "\n"


def test_the_built_in_table_is_unchanged() -> None:
    # compared as text: the order of the keys is what GET /models sends, so it is pinned too
    assert dump(served()) == SNAPSHOT.read_text(encoding="utf-8")


def test_default_models_is_a_fresh_copy() -> None:
    first = default_models()
    first[0]["pricing"]["prompt"] = "1"
    first[0]["architecture"]["input_modalities"].append("video")
    assert default_models()[0] == json.loads(SNAPSHOT.read_text(encoding="utf-8"))["models"][0]


if __name__ == "__main__":
    SNAPSHOT.write_text(dump(served()), encoding="utf-8")
