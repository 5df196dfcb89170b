"""The code generator and its schemas: golden output, and agreement with the official OpenAPI spec.

The spec checks read ``../shared/openrouter-api/openapi-subset.json`` (reference data that lives
next to the repository, never inside it; ``OPENROUTER_KIT_SPEC`` may point elsewhere) and skip
without it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

ROOT = Path(__file__).resolve().parents[1]
GENERATE = ROOT / "codegen" / "generate.py"
GENERATED = ROOT / "src" / "openrouter_kit" / "_generated"
SPEC_ENV = "OPENROUTER_KIT_SPEC"
SHARED = Path(__file__).resolve().parents[2] / "shared"
DEFAULT_SPEC = SHARED / "openrouter-api" / "openapi-subset.json"

Schema = dict[str, Any]

# Properties we declare although the named spec schemas do not have them. Each comes from the prose
# docs or the observed wire (FACTS.md); the spec is known to be incomplete there.
NOT_IN_SPEC: dict[tuple[str, str], str] = {
    ("CompletionRequest", "transforms"): "legacy middle-out switch, still accepted (FACTS §2b)",
    ("CompletionRequest", "include_reasoning"): "deprecated, still accepted (FACTS §2b, §6)",
    ("CompletionRequest", "usage"): "deprecated {include} switch, still accepted (FACTS §2b)",
    ("CompletionRequest", "verbosity"): "docs only; listed in the spec's Parameter enum",
    ("CompletionRequest", "web_search_options"): "docs only; listed in the spec's Parameter enum",
    ("CompletionRequest", "audio"): "audio output settings, docs only (FACTS §2b)",
    ("CompletionRequest", "prompt"): "legacy prompt, docs' TypeScript type (FACTS §2b)",
    ("ReasoningConfig", "max_tokens"): "reasoning docs (FACTS §6); the spec has effort and summary",
    ("ReasoningConfig", "exclude"): "reasoning docs (FACTS §6)",
    ("ReasoningConfig", "enabled"): "reasoning docs (FACTS §6)",
    ("ReasoningConfig", "context"): "reasoning docs, newest OpenAI models (FACTS §6)",
    ("ReasoningConfig", "mode"): "reasoning docs, newest OpenAI models (FACTS §6)",
    ("CompletionTokensDetails", "image_tokens"): "docs only (FACTS §4 usage table)",
    ("ResponseMessage", "annotations"): "docs and wire: url_citation and file (FACTS §4)",
    ("CompletionChoice", "native_finish_reason"): "docs and wire, not in ChatChoice (FACTS §4)",
    ("CompletionChoice", "error"): "choice-level error with finish_reason error (FACTS §4, §8)",
    ("CompletionResponse", "provider"): "on the wire, not in ChatResult (FACTS §4)",
    ("StreamDelta", "images"): "docs and wire delta field (FACTS §5)",
    ("StreamDelta", "annotations"): "docs and wire delta field (FACTS §5)",
    ("StreamChoice", "native_finish_reason"): "docs and wire (FACTS §5)",
    ("StreamChoice", "error"): "mid-stream error choice (FACTS §5)",
    ("StreamChunk", "provider"): "on the wire, not in ChatStreamChunk (FACTS §5)",
    ("StreamChunk", "debug"): "debug.echo_upstream_body chunk (FACTS §2b, §5)",
}

# Spec properties we deliberately leave to ``extra`` (they still round-trip untouched).
LEFT_TO_EXTRA: dict[str, dict[str, str]] = {
    # Every ChatRequest parameter is a typed field: nothing is left to extra.
    "CompletionRequest": {},
    # Plugin-specific settings of the ten plugins; Plugin keeps only what they share.
    "Plugin": dict.fromkeys(
        [
            "allowed_models",
            "analysis_models",
            "blocked_domains",
            "allowed_domains",
            "cost_quality_tradeoff",
            "cost_tier",
            "engine",
            "exclude_domains",
            "excluded_models",
            "include_domains",
            "max_content_tokens",
            "max_price",
            "max_results",
            "max_tool_calls",
            "max_uses",
            "min_coding_score",
            "mode",
            "model",
            "pdf",
            "pin_model",
            "preset",
            "price_source",
            "search_prompt",
            "tools",
            "user_location",
        ],
        "typed on the subclass (WebPlugin, FileParserPlugin, ...) or set through extra",
    ),
    # Settings of OpenRouter server tools (openrouter:web_search, ...) and of OpenAI's web_search
    # shorthands.
    "ToolDefinition": dict.fromkeys(
        [
            "allowed_domains",
            "engine",
            "excluded_domains",
            "max_characters",
            "max_results",
            "max_total_results",
            "max_uses",
            "mode",
            "parameters",
            "search_context_size",
            "user_location",
        ],
        "server-tool setting; set it through extra",
    ),
    # The response message shares the spec schema of request-side assistant messages (its name
    # is declared: it goes back with the message into a conversation).
    "ResponseMessage": {
        "model": "only meaningful on request messages",
    },
    # ContentPart: the cache breakpoint is typed; nothing else is missing.
    "ContentPart": {},
    # An RSS feed is no JSON list of models: list_models() cannot parse it.
    "ModelListQuery": dict.fromkeys(["use_rss", "use_rss_chat_links"], "RSS output, not JSON"),
    # Telemetry fields the spec hides from SDKs (x-speakeasy-ignore, x-fern-ignore).
    "AuthCodeCreate": dict.fromkeys(["spawn_agent", "spawn_cloud"], "spawn telemetry, ignored"),
}

# x-spec entries that name the schema an object is nested in, not the object itself (kept from the
# seed schemas): their other properties live on the parent model, so completeness skips them.
CONTAINERS: dict[str, set[str]] = {
    "ImageUrl": {"ChatContentImage"},  # type and image_url are ContentPart fields
    "FunctionCall": {"ChatToolCall"},  # id, type and function are ToolCall fields
}

# Both sides declare an enum for these, and ours is deliberately different.
ENUM_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("ResponseMessage", "role"): "shares the MessageRole enum; the spec narrows it to assistant",
    ("StreamDelta", "role"): "shares the MessageRole enum; the spec narrows it to assistant",
}

# Required properties: only true input invariants; responses parse liberally (FACTS §15).
ALLOWED_REQUIRED = {
    ("ModelInfo", "id"),
    ("Message", "role"),
    ("CompletionRequest", "messages"),
    ("ContentPart", "type"),
    ("ImageUrl", "url"),
    ("InputAudio", "data"),
    ("InputAudio", "format"),
    ("VideoUrl", "url"),
    ("FunctionDefinition", "name"),
    ("ToolChoiceFunction", "name"),
    ("JsonSchemaFormat", "name"),
    ("ResponseFormat", "type"),
    ("Prediction", "content"),
    ("Plugin", "id"),
    ("BashEnvironment", "type"),
    ("StopCondition", "type"),
    ("EmbeddingRequest", "model"),
    ("EmbeddingRequest", "input"),
    ("EmbeddingInput", "content"),
    ("RerankRequest", "model"),
    ("RerankRequest", "query"),
    ("RerankRequest", "documents"),
    ("ApiKeyCreate", "name"),
    ("AuthCodeCreate", "callback_url"),
    ("AuthCodeExchange", "code"),
}

OPERATION = re.compile(r"(GET|POST|PUT|PATCH|DELETE) (/[^.\s]*)(?: (body|query))?((?:\.\w+)*)")


# -- loading ---------------------------------------------------------------------------------------
@cache
def generate_module() -> ModuleType:
    loaded = importlib.util.spec_from_file_location("_openrouter_kit_codegen", GENERATE)
    assert loaded is not None
    assert loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


@cache
def our_defs() -> dict[str, Schema]:
    defs, _ = generate_module().load_schemas(generate_module().SCHEMAS)
    return defs  # type: ignore[no-any-return]


def objects() -> list[str]:
    return [name for name, schema in our_defs().items() if schema.get("type") == "object"]


def spec_path() -> Path:
    return Path(os.environ.get(SPEC_ENV) or DEFAULT_SPEC)


@pytest.fixture(scope="module")
def spec() -> Spec:
    path = spec_path()
    if not path.is_file():
        pytest.skip(
            f"../shared/openrouter-api/openapi-subset.json not found: {path} "
            f"(set {SPEC_ENV} to its location)"
        )
    return Spec(json.loads(path.read_text(encoding="utf-8")))


# -- walking both documents ------------------------------------------------------------------------
class Spec:
    """The official document, and the walking of our schemas and its schemas alike."""

    def __init__(self, document: Schema) -> None:
        self.document = document
        self.schemas: dict[str, Schema] = document["components"]["schemas"]

    def resolve(self, node: Schema) -> Schema:
        """Follow ``$ref``s: ``[file.json]#/$defs/X`` is ours, ``#/components/schemas/X`` theirs."""
        while "$ref" in node:
            ref = node["$ref"]
            name = ref.rsplit("/", 1)[-1]
            node = our_defs()[name] if "/$defs/" in ref else self.schemas[name]
        return node

    def named(self, name: str) -> Schema:
        """The spec schema an ``x-spec`` entry names (forms: see codegen/generate.py)."""
        node: Schema
        match = OPERATION.fullmatch(name)
        if match:
            method, path, part, dotted = match.groups()
            try:
                operation = self.document["paths"][path][method.lower()]
                if part == "body":
                    node = operation["requestBody"]["content"]["application/json"]["schema"]
                elif part == "query":
                    params = [p for p in operation["parameters"] if p["in"] == "query"]
                    node = {
                        "type": "object",
                        "properties": {p["name"]: p["schema"] for p in params},
                    }
                else:  # a 200, or a 201 where the operation creates
                    responses = operation["responses"]
                    found = responses["200"] if "200" in responses else responses["201"]
                    node = found["content"]["application/json"]["schema"]
            except KeyError:
                raise LookupError(f"no {part or '200 JSON response'} for {method} {path}") from None
        else:
            head, _, dotted = name.partition(".")
            if head not in self.schemas:
                raise LookupError(f"no component schema {head!r}")
            node = self.schemas[head]
            dotted = "." + dotted if dotted else ""
        for prop in filter(None, dotted.split(".")):
            found: list[Schema] = [
                v["properties"][prop] for v in self.variants(node) if prop in v["properties"]
            ]
            if not found:
                raise LookupError(f"{name}: no property {prop!r}")
            node = found[0] if len(found) == 1 else {"anyOf": found}
        return node

    def variants(self, node: Schema) -> list[Schema]:
        """The object schemas a node may be: through $ref, allOf/anyOf/oneOf and array items."""
        node = self.resolve(node)
        found = [node] if "properties" in node else []
        for key in ("allOf", "anyOf", "oneOf"):
            for member in node.get(key, []):
                found.extend(self.variants(member))
        if "items" in node and not found:
            found.extend(self.variants(node["items"]))
        return found

    def spec_properties(self, names: list[str]) -> dict[str, list[Schema]]:
        """Every property of the named spec schemas, with each schema that declares it."""
        props: dict[str, list[Schema]] = {}
        for name in names:
            for variant in self.variants(self.named(name)):
                for prop, schema in variant["properties"].items():
                    props.setdefault(prop, []).append(schema)
        return props

    # -- types -------------------------------------------------------------------------------------
    def kinds(self, node: Schema) -> list[tuple[str, Schema]]:
        """(JSON type, schema) for each way a value may look; ``any`` when unconstrained."""
        node = self.resolve(node)
        found: list[tuple[str, Schema]] = []
        for key in ("anyOf", "oneOf"):
            for member in node.get(key, []):
                found.extend(self.kinds(member))
        for member in node.get("allOf", []):  # an intersection: its unconstrained parts add nothing
            found.extend(k for k in self.kinds(member) if k[0] != "any")
        declared = node.get("type")
        if declared is None and not found:
            if "properties" in node or "additionalProperties" in node:
                declared = "object"
            elif "items" in node:
                declared = "array"
            elif "enum" in node:
                declared = sorted({json_type(v) for v in node["enum"] if v is not None})
        if isinstance(declared, str):
            declared = [declared]
        found.extend((kind, node) for kind in declared or [])
        return found or [("any", node)]

    def compatible(self, ours: Schema, theirs: Schema) -> bool:
        """Some non-null type of ours matches some non-null type of theirs (arrays: by items)."""
        a = [k for k in self.kinds(ours) if k[0] != "null"] or self.kinds(ours)
        b = [k for k in self.kinds(theirs) if k[0] != "null"] or self.kinds(theirs)
        return any(self.same_kind(x, y) for x in a for y in b)

    def same_kind(self, ours: tuple[str, Schema], theirs: tuple[str, Schema]) -> bool:
        (a, a_schema), (b, b_schema) = ours, theirs
        if "any" in (a, b):
            return True
        if a != b and {a, b} != {"integer", "number"}:
            return False
        if a == "array":
            return self.compatible(a_schema.get("items", {}), b_schema.get("items", {}))
        return True  # objects: ours are checked on their own, and free-form ones match any object

    # -- enums -------------------------------------------------------------------------------------
    def enum(self, node: Schema) -> set[Any] | None:
        """The enum values a node allows (null left out), or None when it declares none."""
        node = self.resolve(node)
        if "enum" in node:
            return {v for v in node["enum"] if v is not None}
        values: set[Any] | None = None
        for key in ("allOf", "anyOf", "oneOf"):
            for member in node.get(key, []):
                found = self.enum(member)
                if found is not None:
                    values = (values or set()) | found
        return values

    def items(self, node: Schema) -> Schema | None:
        """The items schema when the node is (or may be) an array."""
        node = self.resolve(node)
        if "items" in node:
            return node["items"]  # type: ignore[no-any-return]
        for key in ("allOf", "anyOf", "oneOf"):
            for member in node.get(key, []):
                found = self.items(member)
                if found is not None:
                    return found
        return None


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string"}.get(type(value), "object")


def declared(name: str) -> dict[str, Schema]:
    """Our wire properties of a definition (client-measured x-local ones left out)."""
    props: dict[str, Schema] = our_defs()[name].get("properties", {})
    return {wire: schema for wire, schema in props.items() if not schema.get("x-local")}


def inherited(name: str) -> dict[str, Schema]:
    """``declared(name)`` with the properties of its ``x-extends`` bases (its own win)."""
    base = our_defs()[name].get("x-extends")
    return {**(inherited(base) if base else {}), **declared(name)}


def x_spec(name: str) -> list[str]:
    return our_defs()[name].get("x-spec", [])  # type: ignore[no-any-return]


def checked() -> list[str]:
    return [name for name in objects() if x_spec(name)]


# -- golden output ---------------------------------------------------------------------------------
def test_regenerating_gives_the_committed_files(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert generate_module().main(["--out", str(out)]) == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted(p.name for p in GENERATED.glob("*.py"))
    for name in written:
        assert (out / name).read_bytes() == (GENERATED / name).read_bytes(), name


def test_render_is_deterministic_and_matches() -> None:
    first, second = generate_module().render(), generate_module().render()
    assert first == second
    for name, text in first.items():
        assert (GENERATED / name).read_text(encoding="utf-8") == text, name


def test_check_mode_exits_0() -> None:
    command = [sys.executable, str(GENERATE), "--check"]
    # S603: the command is our own interpreter running our own script, no outside input.
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr


# -- generated classes -----------------------------------------------------------------------------
def test_every_generated_class_keeps_unknown_fields() -> None:
    from openrouter_kit._generated import models

    classes = [getattr(models, name) for name in models.__all__]
    wire_models = [cls for cls in classes if attrs.has(cls)]
    assert len(wire_models) == len(objects())
    for cls in wire_models:
        extra = attrs.fields_dict(cls).get("extra")
        assert extra is not None, cls.__name__
        assert isinstance(extra.default, attrs.Factory), cls.__name__  # type: ignore[arg-type]


def test_completion_request_sends_nothing_unset() -> None:
    from openrouter_kit._generated.models import CompletionRequest

    for field in attrs.fields(CompletionRequest):
        if field.name != "extra":
            assert field.default in (None, attrs.NOTHING), field.name
    for wire, schema in our_defs()["CompletionRequest"]["properties"].items():
        assert schema.get("default") is None, wire


def test_endpoint_table() -> None:
    from openrouter_kit._core.wire import CHAT_COMPLETIONS
    from openrouter_kit._generated import models
    from tests.core.helpers import ENDPOINTS

    assert {e.name: (e.method, e.path) for e in ENDPOINTS} == {
        "chat_completions": ("POST", "/chat/completions"),
        "list_models": ("GET", "/models"),
        "model_endpoints": ("GET", "/models/{author}/{slug}/endpoints"),
        "generation": ("GET", "/generation"),
        "key": ("GET", "/key"),
        "credits": ("GET", "/credits"),
        "embeddings": ("POST", "/embeddings"),
        "embedding_models": ("GET", "/embeddings/models"),
        "rerank": ("POST", "/rerank"),
        "user_models": ("GET", "/models/user"),
        "count_models": ("GET", "/models/count"),
        "model": ("GET", "/model/{author}/{slug}"),
        "providers": ("GET", "/providers"),
        "generation_content": ("GET", "/generation/content"),
        "list_keys": ("GET", "/keys"),
        "create_key": ("POST", "/keys"),
        "get_key": ("GET", "/keys/{hash}"),
        "update_key": ("PATCH", "/keys/{hash}"),
        "delete_key": ("DELETE", "/keys/{hash}"),
        "create_auth_code": ("POST", "/auth/keys/code"),
        "exchange_auth_code": ("POST", "/auth/keys"),
    }
    for endpoint in ENDPOINTS:  # every model the table names exists
        for name in (endpoint.request_name, endpoint.response_name, endpoint.chunk_name):
            assert name is None or attrs.has(getattr(models, name)), name
    assert CHAT_COMPLETIONS.chunk_name == "StreamChunk"
    assert CHAT_COMPLETIONS.response is models.CompletionResponse


# -- the schemas themselves ------------------------------------------------------------------------
@pytest.mark.parametrize("name", objects())
def test_object_is_documented_and_mapped(name: str) -> None:
    schema = our_defs()[name]
    assert schema.get("description"), f"{name} needs a one-line description"
    assert "\n" not in schema["description"]
    assert "x-spec" in schema, f"{name} needs x-spec (use [] and say 'not in the spec' if none)"
    if not schema["x-spec"]:
        assert "not in the spec" in schema["description"], name


def test_only_input_invariants_are_required() -> None:
    required = {(name, prop) for name in objects() for prop in our_defs()[name].get("required", [])}
    assert required == ALLOWED_REQUIRED


# -- agreement with the spec -----------------------------------------------------------------------
def test_every_x_spec_name_exists(spec: Spec) -> None:
    missing = []
    for name, schema in our_defs().items():
        for target in schema.get("x-spec", []):
            try:
                spec.named(target)
            except LookupError as exc:
                missing.append(f"{name}: {exc}")
    assert not missing


@pytest.mark.parametrize("name", checked())
def test_declared_properties_exist_in_the_spec(spec: Spec, name: str) -> None:
    theirs = spec.spec_properties(x_spec(name))
    unknown = sorted(p for p in declared(name) if p not in theirs and (name, p) not in NOT_IN_SPEC)
    assert not unknown, f"{name}: not in {x_spec(name)}: {unknown}"
    mismatched = [
        f"{prop}: ours {json.dumps(ours)} vs spec {json.dumps(theirs[prop])}"
        for prop, ours in declared(name).items()
        if prop in theirs and not any(spec.compatible(ours, t) for t in theirs[prop])
    ]
    assert not mismatched, f"{name}: incompatible types:\n" + "\n".join(mismatched)


@pytest.mark.parametrize("name", checked())
def test_enums_agree_with_the_spec(spec: Spec, name: str) -> None:
    theirs = spec.spec_properties(x_spec(name))
    differing = []
    for prop, ours in declared(name).items():
        if prop not in theirs or (name, prop) in ENUM_EXCEPTIONS:
            continue
        pairs = [(ours, theirs[prop])]
        ours_items = spec.items(ours)
        their_items = [i for i in map(spec.items, theirs[prop]) if i is not None]
        if ours_items is not None and their_items:
            pairs.append((ours_items, their_items))
        for mine, candidates in pairs:
            ours_enum = spec.enum(mine)
            their_enums = [e for e in map(spec.enum, candidates) if e is not None]
            if ours_enum is not None and their_enums:
                their_enum = set().union(*their_enums)
                if ours_enum != their_enum:
                    differing.append(f"{prop}: ours {sorted(map(str, ours_enum))}")
                    differing.append(f"{' ' * len(prop)}  spec {sorted(map(str, their_enum))}")
    assert not differing, f"{name}: enums differ:\n" + "\n".join(differing)


def enums() -> list[str]:
    return [name for name, schema in our_defs().items() if "enum" in schema and "x-spec" in schema]


@pytest.mark.parametrize("name", enums())
def test_enum_definitions_agree_with_the_spec(spec: Spec, name: str) -> None:
    theirs = set().union(*(spec.enum(spec.named(target)) or set() for target in x_spec(name)))
    assert set(our_defs()[name]["enum"]) == theirs


@pytest.mark.parametrize("name", checked())
def test_spec_properties_are_all_declared(spec: Spec, name: str) -> None:
    allowed = LEFT_TO_EXTRA.get(name, {})
    own = [target for target in x_spec(name) if target not in CONTAINERS.get(name, set())]
    missing = sorted(p for p in spec.spec_properties(own) if p not in inherited(name))
    assert sorted(set(missing) - set(allowed)) == [], f"{name} lacks spec properties"


def test_completion_request_covers_chat_request(spec: Spec) -> None:
    """A ChatRequest parameter missing from CompletionRequest (and not allow-listed) fails here."""
    documented = set(spec.spec_properties(["ChatRequest"]))
    ours = set(declared("CompletionRequest"))
    assert documented - ours - set(LEFT_TO_EXTRA["CompletionRequest"]) == set()


def test_allow_lists_are_not_stale(spec: Spec) -> None:
    for (name, prop), reason in NOT_IN_SPEC.items():
        assert prop in declared(name), f"{name}.{prop} is allow-listed but not declared"
        assert prop not in spec.spec_properties(x_spec(name)), f"{name}.{prop} is in the spec now"
        assert reason
    for name, props in LEFT_TO_EXTRA.items():
        theirs = spec.spec_properties(x_spec(name))
        for prop in props:
            assert prop in theirs, f"{name}.{prop} is allow-listed but not in the spec"
            assert prop not in declared(name), f"{name}.{prop} is declared: drop it from the list"
    for name, prop in ENUM_EXCEPTIONS:
        assert prop in declared(name), f"{name}.{prop}"
    for name, targets in CONTAINERS.items():
        assert targets < set(x_spec(name)), name


# -- typed keyword arguments (params.py) -----------------------------------------------------------
def test_every_chat_parameter_is_a_typed_keyword() -> None:
    from openrouter_kit._generated import params

    wire = set(declared("CompletionRequest"))
    assert set(params.CompletionParams.__annotations__) == wire - {"stream"}
    assert set(params.RunToolsParams.__annotations__) == wire - {"stream", "tools"}
    for name in generate_module().Generator(*generate_module().load_schemas(
        generate_module().SCHEMAS
    )).reachable(["CompletionRequest"]):  # fmt: skip
        if name == "CompletionRequest":
            continue
        typed = getattr(params, f"{name}Param")
        assert set(typed.__annotations__) == set(inherited(name)), name
        required = set(our_defs()[name].get("required", []))
        base = our_defs()[name].get("x-extends")
        while base:  # a subclass's dict needs its base's required keys (a WebPlugin's id)
            required |= set(our_defs()[base].get("required", []))
            base = our_defs()[base].get("x-extends")
        assert typed.__required_keys__ == required, name


def test_only_request_models_check_their_enums() -> None:
    from openrouter_kit._generated import models

    def checked(cls: type, name: str) -> Any:
        return attrs.fields_dict(cls)[name].metadata.get("enum")

    assert checked(models.ProviderPreferences, "data_collection") == ("allow", "deny")
    assert checked(models.CompletionRequest, "modalities") == ("text", "image", "audio")
    assert checked(models.CompletionChoice, "finish_reason") is None  # responses stay open
    assert checked(models.ModelArchitecture, "input_modalities") is None
    assert checked(models.Message, "role") is None  # x-open-enum: check_messages names the roles


def test_a_model_default_of_an_empty_object_is_an_empty_instance() -> None:
    from openrouter_kit._generated import models

    usage = attrs.fields_dict(models.CompletionResponse)["usage"]
    assert usage.type is models.TokenUsage
    assert usage.default.factory is models.TokenUsage  # type: ignore[union-attr]
    assert models.CompletionResponse().usage == models.TokenUsage()
