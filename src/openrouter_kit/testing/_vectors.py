"""The emulator's embeddings and rerank answers: deterministic vectors and relevance scores.

Owns: reading an embeddings or rerank request (a 400 for what OpenRouter refuses), the vector of
a text (a sum of one seeded pseudo-random unit vector per word, normalised: texts sharing words
are near each other, the same text always gives the same vector), base64 encoding, the relevance
score of a document (the share of the query's words it contains, with a small deterministic
tie-breaker), and the usage and cost of both. Never knows: sockets, the ledger, generations
(``_api`` records them).
"""

from __future__ import annotations

import base64
import hashlib
import math
import random
import re
import struct
from decimal import Decimal
from typing import Any, NamedTuple

from openrouter_kit.testing._chat import count_tokens
from openrouter_kit.testing._exchange import ApiError, random_id
from openrouter_kit.testing._models import ModelTable, price_of, providers_of

__all__ = ["DEFAULT_DIMENSIONS", "Answer", "plan_embeddings", "plan_rerank", "vector"]

#: The dimensions of a vector when the request sets none (text-embedding-3-small's).
DEFAULT_DIMENSIONS = 1536
_MAX_DIMENSIONS = 8192
_WORD = re.compile(r"\w+")


class Answer(NamedTuple):
    """A planned embeddings or rerank answer and what it bills."""

    body: dict[str, Any]
    gen_id: str
    model: str
    provider: str
    prompt_tokens: int
    cost: Decimal


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)] or [text]


def _unit(seed: str, dimensions: int) -> list[float]:
    """A pseudo-random unit vector seeded by ``seed`` (the same seed, the same vector)."""
    rng = random.Random(hashlib.sha256(seed.encode("utf-8", "surrogatepass")).digest())  # noqa: S311 - test data, not security
    values = [rng.gauss(0.0, 1.0) for _ in range(dimensions)]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [v / norm for v in values]


def vector(text: str, dimensions: int = DEFAULT_DIMENSIONS) -> list[float]:
    """The emulator's embedding of ``text``: the normalised sum of a seeded unit vector per
    word, so that texts sharing words have a higher cosine similarity."""
    total = [0.0] * dimensions
    for word in _words(text):
        for i, value in enumerate(_unit(word, dimensions)):
            total[i] += value
    norm = math.sqrt(sum(v * v for v in total)) or 1.0
    return [round(v / norm, 8) for v in total]


def _model(
    table: ModelTable, body: dict[str, Any], output: str
) -> tuple[str, dict[str, Any], bool]:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise ApiError(400, "model is required")
    resolved = table.resolve(model)
    if resolved is None:
        raise ApiError(400, f"{model} is not a valid model ID")
    outputs = resolved.entry["architecture"].get("output_modalities") or []
    if output not in outputs:
        raise ApiError(400, f"{model} does not support {output}")
    return resolved.served_id, resolved.entry, resolved.free


def _provider(entry: dict[str, Any]) -> str:
    return providers_of(entry)[0].name


def _texts(value: Any) -> list[str]:
    """Each input of an embeddings request as the text its vector is seeded from."""
    if isinstance(value, str) and value:
        return [value]
    if not isinstance(value, list) or not value:
        raise ApiError(400, "input must be a non-empty string or array")
    if all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return [" ".join(map(str, value))]
    texts = []
    for item in value:
        if isinstance(item, str) and item:
            texts.append(item)
        elif isinstance(item, list) and item and all(isinstance(v, int) for v in item):
            texts.append(" ".join(map(str, item)))
        elif isinstance(item, dict) and isinstance(item.get("content"), list) and item["content"]:
            parts = [p.get("text") or str(p.get("image_url") or p) for p in item["content"]]
            texts.append(" ".join(str(p) for p in parts))
        else:
            raise ApiError(400, "input items must be non-empty strings, token arrays or content")
    return texts


def plan_embeddings(table: ModelTable, body: Any) -> Answer:
    """The answer to ``POST /embeddings``.

    Raises:
        ApiError: a 400 for a body OpenRouter refuses (no model, not an embedding model, an
            empty input, bad dimensions or encoding).
    """
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid request: the body must be a JSON object")
    served, entry, free = _model(table, body, "embeddings")
    texts = _texts(body.get("input"))
    dimensions = body.get("dimensions", DEFAULT_DIMENSIONS)
    if isinstance(dimensions, bool) or not isinstance(dimensions, int):
        raise ApiError(400, "dimensions must be an integer")
    if not 1 <= dimensions <= _MAX_DIMENSIONS:
        raise ApiError(400, f"dimensions must be between 1 and {_MAX_DIMENSIONS}")
    encoding = body.get("encoding_format", "float")
    if encoding not in ("float", "base64"):
        raise ApiError(400, "encoding_format must be float or base64")
    data = []
    for index, text in enumerate(texts):
        values = vector(text, dimensions)
        embedding: Any = values
        if encoding == "base64":
            embedding = base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()
        data.append({"object": "embedding", "embedding": embedding, "index": index})
    tokens = sum(max(1, count_tokens(t)) for t in texts)
    cost = _cost(entry, tokens, free)
    gen_id = random_id("gen-emb")
    usage = {
        "prompt_tokens": tokens,
        "total_tokens": tokens,
        "cost": float(cost),
        "is_byok": False,
        "cost_details": {
            "upstream_inference_cost": None,
            "upstream_inference_prompt_cost": float(cost),
            "upstream_inference_completions_cost": 0,
        },
    }
    answer = {"id": gen_id, "object": "list", "data": data, "model": served, "usage": usage}
    return Answer(answer, gen_id, served, _provider(entry), tokens, cost)


def _cost(entry: dict[str, Any], tokens: int, free: bool) -> Decimal:
    if free:
        return Decimal(0)
    pricing = entry.get("pricing") or {}
    return price_of(pricing, "prompt") * tokens + price_of(pricing, "request")


def relevance(query: str, document: str) -> float:
    """The emulator's relevance score: the share of the query's words in the document, plus a
    tie-breaker under 0.01 seeded by both; in [0, 1)."""
    wanted = set(_words(query))
    found = set(_words(document))
    share = len(wanted & found) / len(wanted) if wanted else 0.0
    digest = hashlib.sha256(f"{query}\0{document}".encode("utf-8", "surrogatepass")).digest()
    jitter = int.from_bytes(digest[:4], "big") / 2**32 / 100
    return round(min(share * 0.98 + jitter, 0.999999), 6)


def plan_rerank(table: ModelTable, body: Any) -> Answer:
    """The answer to ``POST /rerank``: the documents by relevance, most relevant first.

    Raises:
        ApiError: a 400 for a body OpenRouter refuses.
    """
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid request: the body must be a JSON object")
    served, entry, free = _model(table, body, "rerank")
    query = body.get("query")
    if not isinstance(query, str) or not query:
        raise ApiError(400, "query must be a non-empty string")
    documents = body.get("documents")
    if not isinstance(documents, list) or not documents:
        raise ApiError(400, "documents must be a non-empty array")
    top_n = body.get("top_n", len(documents))
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1:
        raise ApiError(400, "top_n must be a positive integer")
    results: list[dict[str, Any]] = []
    tokens = 0
    for index, document in enumerate(documents):
        if isinstance(document, str):
            echoed: dict[str, Any] = {"text": document}
        elif isinstance(document, dict) and (document.get("text") or document.get("image")):
            echoed = {k: document[k] for k in ("text", "image") if isinstance(document.get(k), str)}
        else:
            raise ApiError(400, f"documents[{index}] must be a string or have text or an image")
        text = echoed.get("text", "")
        tokens += count_tokens(query) + count_tokens(text) + (85 if "image" in echoed else 0)
        results.append(
            {"index": index, "relevance_score": relevance(query, text), "document": echoed}
        )
    results.sort(key=lambda r: (-r["relevance_score"], r["index"]))
    cost = _cost(entry, tokens, free)
    gen_id = random_id("gen-rerank")
    usage: dict[str, Any] = {
        "total_tokens": tokens,
        "search_units": 1 + (len(documents) - 1) // 100,
        "cost": float(cost),
    }
    answer = {
        "id": gen_id,
        "model": served,
        "provider": _provider(entry),
        "results": results[:top_n],
        "usage": usage,
    }
    return Answer(answer, gen_id, served, _provider(entry), tokens, cost)
