"""The ``openrouter-kit`` command line, end to end against the loopback emulator."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from openrouter_kit import Client, errors
from openrouter_kit._cli import (
    _EXPLAIN,
    EXIT_CODES,
    Exit,
    _Context,
    _explain,
    _money_json,
    _per_million,
    _price_json,
    main,
)
from openrouter_kit._core.registry import CAPABILITIES, capabilities_of
from openrouter_kit._generated.models import ModelInfo
from openrouter_kit._streams import Stream
from openrouter_kit.testing import Emulator


class Run(NamedTuple):
    code: int
    out: str
    err: str


def run(*argv: str, out: io.StringIO | None = None) -> Run:
    """Run the command line in-process with its own output streams."""
    out = out if out is not None else io.StringIO()
    err = io.StringIO()
    code = main(list(argv), out=out, err=err)
    return Run(code, out.getvalue(), err.getvalue())


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


class Recorder(io.StringIO):
    """An output stream that remembers when each write happened."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[tuple[float, str]] = []

    def write(self, text: str) -> int:
        self.writes.append((time.monotonic(), text))
        return super().write(text)


class FakeStdin(io.StringIO):
    def __init__(self, text: str, *, tty: bool) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[Emulator]:
    """A fresh emulator whose key and URL are in the environment, as a user would set them."""
    with Emulator() as emu:
        monkeypatch.setenv("OPENROUTER_API_KEY", emu.api_key)
        monkeypatch.setenv("OPENROUTER_BASE_URL", emu.base_url)
        yield emu


# -- demo ----------------------------------------------------------------------------------------


def test_cli_demo_prints_answer_tokens_cost_and_latency() -> None:
    out = io.StringIO()
    assert main(["demo"], out=out) == 0
    text = out.getvalue()
    assert "Hello from openai/gpt-4o-mini" in text
    assert re.search(r"tokens\s+\d+ prompt \+ \d+ completion = \d+", text)
    assert re.search(r"cost\s+\$0\.\d{8}", text)
    assert re.search(r"latency\s+[\d.]+ ms \(1 attempt", text)
    assert re.search(r"first token after [\d.]+ ms", text)


def test_cli_demo_runs_as_a_console_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "openrouter_kit._cli", "demo", "--prompt", "ping"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "You said: ping" in result.stdout


# -- chat ----------------------------------------------------------------------------------------


def test_cli_chat_and_models_use_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    with Emulator() as emulator:
        monkeypatch.setenv("OPENROUTER_API_KEY", emulator.api_key)
        result = run(
            "chat",
            "Hi there",
            "--base-url",
            emulator.base_url,
            "--system",
            "Be brief",
            "--max-tokens",
            "50",
            "--temperature",
            "0.2",
        )
        assert result.code == 0, result.err
        assert "You said: Hi there" in result.out
        sent = emulator.requests[-1].json
        assert sent["messages"][0] == {"role": "system", "content": "Be brief"}
        assert sent["max_tokens"] == 50
        assert sent["temperature"] == 0.2
        assert sent["stream"] is True
        result = run("models", "--base-url", emulator.base_url)
        assert re.search(r"openai/gpt-4o-mini\s+128000\s+\$0\.15\s+\$0\.60", result.out)
        assert re.search(r"openrouter/auto\s+\d+\s+variable", result.out)
        result = run("models", "--base-url", emulator.base_url, "--capability", "vision", "--json")
        assert '"google/gemini-2.5-flash"' in result.out
        assert '"meta-llama/llama-3.1-8b-instruct"' not in result.out


def test_chat_streams_the_answer_piece_by_piece_then_a_footer_on_stderr(
    emulator: Emulator,
) -> None:
    emulator.script_stream(chunks=6, delay=0.05)
    out = Recorder()
    result = run("chat", "Hi", out=out)
    assert result.code == 0, result.err
    pieces = [(at, text) for at, text in out.writes if text.strip()]
    assert len(pieces) == 6
    assert "".join(text for _, text in pieces) == "Hello from openai/gpt-"
    # each piece was written as it arrived, not all at the end
    assert pieces[-1][0] - pieces[0][0] >= 0.15
    assert result.out == "Hello from openai/gpt-\n"
    # the summary stays out of stdout, so `chat ... > answer.txt` keeps only the answer
    assert "tokens" not in result.out
    assert re.search(r"model\s+openai/gpt-4o-mini \(via OpenAI\)", result.err)
    assert re.search(r"id\s+gen-\S+", result.err)
    assert re.search(r"tokens\s+\d+ prompt \+ 6 completion = \d+", result.err)
    assert re.search(r"cost\s+\$0\.\d{8}\n", result.err)
    assert re.search(r"latency\s+[\d.]+ ms \(1 attempt\), first token after [\d.]+ ms", result.err)


def test_chat_variant_is_added_to_the_model_sent(emulator: Emulator) -> None:
    assert run("chat", "Hi", "--variant", "nitro").code == 0
    assert emulator.requests[-1].json["model"] == "openai/gpt-4o-mini:nitro"
    result = run(
        "chat", "Hi", "--model", "meta-llama/llama-3.1-8b-instruct:free", "--variant", "floor"
    )
    assert result.code == 0, result.err
    assert emulator.requests[-1].json["model"] == "meta-llama/llama-3.1-8b-instruct:floor"


def test_chat_refuses_an_unknown_variant(emulator: Emulator) -> None:
    result = run("chat", "Hi", "--variant", "turbo")
    assert result.code == 2
    assert "invalid choice: 'turbo'" in result.err
    assert "nitro" in result.err
    assert emulator.requests == []


def test_chat_json_prints_one_object_and_no_stream(emulator: Emulator) -> None:
    result = run("chat", "Hi", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["text"] == "Hello from openai/gpt-4o-mini! You said: Hi"
    assert data["model"] == "openai/gpt-4o-mini"
    assert data["provider"] == "OpenAI"
    assert data["id"].startswith("gen-")
    assert data["finish_reason"] == "stop"
    usage = data["usage"]
    assert usage["prompt_tokens"] + usage["completion_tokens"] == usage["total_tokens"] > 0
    assert re.fullmatch(r"0\.\d+", data["cost"])  # a decimal string, never 1.47e-05
    assert Decimal(data["cost"]) == Decimal(str(emulator.ledger.cost_decimal))
    assert data["cost_is_estimate"] is False
    assert data["latency"] >= data["time_to_first_token"] > 0
    assert data["attempts"] == 1
    assert result.err == ""


def test_chat_reads_the_prompt_from_stdin(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin("What is piped?\n", tty=False))
    result = run("chat")
    assert result.code == 0, result.err
    assert "You said: What is piped?" in result.out
    monkeypatch.setattr(sys, "stdin", FakeStdin("dash means stdin", tty=False))
    assert "You said: dash means stdin" in run("chat", "-").out


def test_chat_without_a_prompt_on_a_terminal_is_a_usage_error(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", FakeStdin("", tty=True))
    result = run("chat")
    assert result.code == 2
    assert result.err.startswith("openrouter-kit: no prompt: give it as an argument or pipe it")
    assert emulator.requests == []


@pytest.mark.parametrize("stdin", [None, "  \n\n"])
def test_chat_with_an_empty_prompt_is_a_usage_error(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, stdin: str | None
) -> None:
    if stdin is None:
        result = run("chat", " ")
    else:
        monkeypatch.setattr(sys, "stdin", FakeStdin(stdin, tty=False))
        result = run("chat")
    assert result.code == 2
    assert result.err == "openrouter-kit: the prompt is empty: say something to the model\n"
    assert emulator.requests == []


def test_chat_says_when_max_tokens_cut_the_answer(emulator: Emulator) -> None:
    result = run("chat", "Tell me everything", "--max-tokens", "3")
    assert result.code == 0, result.err
    assert "finish    length: the answer was cut short (raise --max-tokens)" in result.err


def test_a_stream_error_keeps_the_text_and_ends_with_one_line(emulator: Emulator) -> None:
    emulator.script_stream(chunks=8, error_after=3)
    result = run("chat", "Hi")
    assert result.code == Exit.API_ERROR
    assert result.out == "Hello from openai\n"
    assert result.err.count("\n") == 1
    assert result.err.startswith("openrouter-kit: the answer broke off: retry (")
    assert "Provider disconnected" in result.err


def test_ctrl_c_during_a_stream_closes_it_and_exits_130(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator.script_stream(chunks=400, delay=0.005)
    streams: list[Stream] = []
    original = Stream.__iter__

    def interrupted(self: Stream) -> Iterator[Any]:
        streams.append(self)
        for number, chunk in enumerate(original(self)):
            if number == 3:
                raise KeyboardInterrupt
            yield chunk

    monkeypatch.setattr(Stream, "__iter__", interrupted)
    result = run("chat", "Hi")
    assert result.code == 130
    assert result.out == "Hello from\n"  # the partial answer, then a newline
    assert result.err == "openrouter-kit: interrupted\n"
    assert "Traceback" not in result.err
    (stream,) = streams
    assert stream.latency is not None  # set when the stream closed
    assert wait_for(lambda: emulator.disconnects == 1)  # the server saw the client go away


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "metadata", "code", "expected"),
    [
        (401, None, None, Exit.AUTH, "the API key was refused: check OPENROUTER_API_KEY ("),
        (403, None, None, Exit.AUTH, "the API key may not do this"),
        (402, None, None, Exit.CREDITS, "not enough credits: add credits at https://"),
        (
            429,
            {"Retry-After": "7"},
            None,
            Exit.RATE_LIMITED,
            "rate limited: retry in 7 s (HTTP 429",
        ),
        (408, None, None, Exit.NETWORK, "the request to http://127.0.0.1:"),
        (404, None, None, Exit.NOT_FOUND, "model not found: HTTP 404"),
        (
            403,
            None,
            {"reasons": ["violence"], "flagged_input": "..."},
            Exit.CONTENT_POLICY,
            "the input was flagged by moderation for violence: rephrase it",
        ),
        (400, None, None, Exit.API_ERROR, "the request was refused: HTTP 400"),
        (503, None, None, Exit.API_ERROR, "OpenRouter could not answer: retry later"),
    ],
)
def test_each_failure_family_has_its_exit_status_and_one_line(
    emulator: Emulator,
    status: int,
    headers: dict[str, str] | None,
    metadata: dict[str, Any] | None,
    code: Exit,
    expected: str,
) -> None:
    # enough answers for every retry the client makes (429, 408 and 503 are retried)
    emulator.error(status, "It went wrong.", headers=headers, metadata=metadata, times=10)
    result = run("chat", "Hi")
    assert result.code == code
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith(f"openrouter-kit: {expected}"), result.err
    assert "It went wrong." in result.err
    assert "Traceback" not in result.err
    assert emulator.api_key not in result.err


def test_each_error_gets_the_row_of_its_nearest_class_in_the_table() -> None:
    ctx = _Context(io.StringIO(), io.StringIO())
    for cls, (code, _) in _EXPLAIN.items():  # no row hides another, whatever their order
        assert _explain(cls("x"), ctx)[1] == code, cls
    nearest = {
        errors.ContextLengthError: errors.BadRequestError,
        errors.ModelUnavailableError: errors.ServerError,
        errors.ResponseFormatError: errors.ValidationError,
        errors.CircuitOpenError: errors.OpenRouterError,
        errors.InvalidResponseError: errors.OpenRouterError,
    }
    for cls, ancestor in nearest.items():
        assert cls not in _EXPLAIN
        assert _explain(cls("x"), ctx)[1] == _EXPLAIN[ancestor][0], cls
    assert _explain(errors.CircuitOpenError("open"), ctx)[0] == "CircuitOpenError: open"
    exit_codes = {code for code, _ in EXIT_CODES}
    assert {code for code, _ in _EXPLAIN.values()} <= exit_codes


def test_error_lines_mask_the_key_and_anything_shaped_like_one(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = "sk-or-v1-" + "0123456789abcdef" * 4  # fake

    def broken(self: Client) -> None:
        raise errors.BadRequestError(f"{emulator.api_key} and {other} were sent", status_code=400)

    monkeypatch.setattr(Client, "key_info", broken)
    result = run("key")
    assert result.code == Exit.API_ERROR
    assert (
        result.err
        == "openrouter-kit: the request was refused: HTTP 400: *** and sk-*** were sent\n"
    )


def test_retries_happen_before_a_rate_limit_is_reported(emulator: Emulator) -> None:
    emulator.error(429, "Slow down", headers={"Retry-After": "2"}, times=10)
    assert run("chat", "Hi").code == Exit.RATE_LIMITED
    assert len(emulator.requests) == 4  # the client's default: 3 retries


def test_an_unreachable_server_is_a_network_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:  # a port with nothing listening on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-test-unreachable")
    result = run("key", "--base-url", f"http://127.0.0.1:{port}/api/v1")
    assert result.code == Exit.NETWORK
    assert result.err.startswith(f"openrouter-kit: cannot reach http://127.0.0.1:{port}/api/v1: ")
    assert result.err.count("\n") == 1


def test_cli_without_a_key_exits_2_with_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY")
    for argv in (["chat", "Hi"], ["key"], ["cost", "gen-1"]):
        result = run(*argv)
        assert result.code == 2
        assert result.err == (
            "openrouter-kit: no API key: set OPENROUTER_API_KEY (https://openrouter.ai/keys)\n"
        )


def test_a_refused_base_url_is_a_configuration_error(emulator: Emulator) -> None:
    result = run("models", "--base-url", "http://example.com/api/v1")
    assert result.code == 2
    assert result.err.startswith("openrouter-kit: configuration error: refusing plain http://")


def test_an_unexpected_error_is_one_line_without_the_key(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Client) -> None:
        raise RuntimeError(f"bug while holding {emulator.api_key}\nsecond line")

    monkeypatch.setattr(Client, "key_info", broken)
    result = run("key")
    assert result.code == 1
    assert (
        result.err
        == "openrouter-kit: unexpected error: RuntimeError: bug while holding *** second line\n"
    )


def test_a_closed_pipe_ends_quietly(emulator: Emulator) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    result = run("models", out=ClosedPipe())
    assert result.code == Exit.BROKEN_PIPE
    assert result.err == ""


def test_a_closed_pipe_prints_no_traceback_in_a_real_process(emulator: Emulator) -> None:
    env = {**os.environ, "OPENROUTER_API_KEY": emulator.api_key}
    process = subprocess.Popen(
        [sys.executable, "-m", "openrouter_kit._cli", "models"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    process.stdout.close()  # like `| head` that has already exited
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == Exit.BROKEN_PIPE
    assert stderr == b""


# -- models --------------------------------------------------------------------------------------


def test_models_table_has_prices_and_capabilities(emulator: Emulator) -> None:
    result = run("models")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert re.match(r"model\s+context\s+prompt/M\s+completion/M\s+capabilities$", lines[0])
    assert re.search(
        r"^google/gemini-2\.5-flash\s+1048576\s+\$0\.30\s+\$2\.50\s+"
        r"chat,completion,tools,vision,reasoning,structured_outputs,audio$",
        result.out,
        re.MULTILINE,
    )
    assert re.search(r"^qwen/qwen-2\.5-coder-32b-instruct\s.*\bcode\b", result.out, re.MULTILINE)
    assert re.search(
        r"^meta-llama/llama-3\.3-70b-instruct:free\s.*,free$", result.out, re.MULTILINE
    )
    assert lines[-1] == f"{len(emulator.models)} models"
    ids = [line.split()[0] for line in lines[1:-1]]
    assert ids == sorted(m["id"] for m in emulator.models)


def test_models_search_matches_id_or_name_in_any_case(emulator: Emulator) -> None:
    result = run("models", "--search", "LLAMA")
    ids = [line.split()[0] for line in result.out.splitlines()[1:-1]]
    assert ids == ["meta-llama/llama-3.1-8b-instruct", "meta-llama/llama-3.3-70b-instruct:free"]
    by_name = run("models", "--search", "gemini 2.5", "--json")
    assert [m["id"] for m in json.loads(by_name.out)] == ["google/gemini-2.5-flash"]
    nothing = run("models", "--search", "no-such-model")
    assert nothing.code == 0
    assert nothing.out.splitlines()[-1] == "0 models"


def test_models_filters_combine(emulator: Emulator) -> None:
    result = run("models", "--capability", "tools", "--max-price", "0.15", "--json")
    assert result.code == 0, result.err
    found = {m["id"] for m in json.loads(result.out)}
    assert found == {
        "meta-llama/llama-3.1-8b-instruct",
        "meta-llama/llama-3.3-70b-instruct:free",
        "openai/gpt-4o-mini",
        "qwen/qwen-2.5-coder-32b-instruct",
    }


def test_models_json_has_the_registry_capabilities(emulator: Emulator) -> None:
    data = json.loads(run("models", "--json").out)
    assert {m["id"] for m in data} == {m["id"] for m in emulator.models}
    with Client(api_key=emulator.api_key, base_url=emulator.base_url) as client:
        expected: dict[str, ModelInfo] = {
            m.id: m for m in client.list_models(output_modalities="all")
        }
    for entry in data:
        assert set(entry["capabilities"]) == capabilities_of(expected[entry["id"]])
        assert set(entry) == {
            "id",
            "name",
            "context_length",
            "prompt",
            "completion",
            "capabilities",
        }
    mini = next(m for m in data if m["id"] == "openai/gpt-4o-mini")
    assert mini["prompt"] == "0.00000015"  # the API's unit: USD per token
    assert "vision" in mini["capabilities"]
    auto = next(m for m in data if m["id"] == "openrouter/auto")
    assert (auto["prompt"], auto["completion"]) == (None, None)  # a variable price is no amount


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--capability", "telepathy"], "invalid choice: 'telepathy'"),
        (["--max-price", "cheap"], "argument --max-price: not a number: 'cheap'"),
        (["--max-price", "-1"], "argument --max-price: must be a USD amount >= 0"),
    ],
)
def test_models_refuses_bad_filters(emulator: Emulator, argv: list[str], message: str) -> None:
    result = run("models", *argv)
    assert result.code == 2
    assert message in result.err


def test_models_max_price_is_in_the_tables_unit(emulator: Emulator) -> None:
    """--max-price takes USD per million tokens, like the prompt/M column (A8)."""
    result = run("models", "--max-price", "1")
    assert result.code == 0, result.err
    ids = [line.split()[0] for line in result.out.splitlines()[1:-1]]
    assert ids == sorted(
        m["id"]
        for m in emulator.models
        if Decimal(m["pricing"]["prompt"]) >= 0 and Decimal(m["pricing"]["prompt"]) * 10**6 <= 1
    )
    assert "openai/gpt-4o-mini" in ids  # $0.15/M
    assert "openai/gpt-4o" not in ids  # $2.50/M
    assert "openrouter/auto" not in ids  # a variable price never passes
    cheapest = run("models", "--max-price", "0.02", "--json")
    assert {m["id"] for m in json.loads(cheapest.out)} == {
        "meta-llama/llama-3.1-8b-instruct",  # exactly $0.02/M
        "meta-llama/llama-3.3-70b-instruct:free",
        "openai/text-embedding-3-small",  # $0.02/M: the registry lists every kind of model
        "black-forest-labs/flux.2-pro",  # priced per output image, not per prompt token
    }
    help_text = run("models", "--help").out
    assert "USD per million tokens" in " ".join(help_text.split())


def test_models_needs_no_key_and_sends_none(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """OpenRouter's model list is public: without a key, `models` sends no Authorization (P5)."""
    monkeypatch.delenv("OPENROUTER_API_KEY")
    result = run("models", "--search", "gpt-4o-mini")
    assert result.code == 0, result.err
    assert "openai/gpt-4o-mini" in result.out
    (sent,) = emulator.requests
    assert sent.path == "/models"
    assert "authorization" not in sent.headers
    # the other commands still need a key
    assert run("key").code == Exit.USAGE


def test_models_without_a_key_where_the_server_wants_one(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENROUTER_API_KEY")
    emulator.error(401, "No auth credentials found", path="/models")
    result = run("models")
    assert result.code == Exit.AUTH
    assert result.err.startswith(
        f"openrouter-kit: {emulator.base_url} wants an API key for this: set OPENROUTER_API_KEY"
    )
    assert result.err.count("\n") == 1


def test_json_gives_money_as_decimal_strings_everywhere(emulator: Emulator) -> None:
    """chat, models, key and cost agree on one type for money (P7)."""
    decimal = re.compile(r"-?\d+(\.\d+)?")
    chat = json.loads(run("chat", "Hi", "--json").out)
    assert decimal.fullmatch(chat["cost"])
    cost = json.loads(run("cost", chat["id"], "--json").out)
    assert cost["total_cost"] == chat["cost"]
    assert cost["cache_discount"] is None
    key = json.loads(run("key", "--json").out)
    for name in ("usage", "usage_daily", "usage_weekly", "usage_monthly", "byok_usage"):
        assert isinstance(key[name], str), name
        assert decimal.fullmatch(key[name]), (name, key[name])
    assert Decimal(key["usage"]) == Decimal(chat["cost"])
    for model in json.loads(run("models", "--json").out):
        for name in ("prompt", "completion"):
            assert model[name] is None or decimal.fullmatch(model[name]), (model["id"], name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.47e-05, "0.0000147"),  # a float: by its shortest repr, not binary noise
        (Decimal("1E-7"), "0.0000001"),  # a Decimal: never in scientific notation
        ("0.00000015", "0.00000015"),  # the wire's price strings
        (2, "2"),
        (None, None),
        ("lots", None),
        (float("nan"), None),
        (True, None),
    ],
)
def test_one_money_formatter_takes_every_type_the_sdk_reports(value: Any, expected: Any) -> None:
    assert _money_json(value) == expected


def test_a_variable_price_is_no_amount() -> None:
    class VariablePrice:  # the SDK's marker for the wire's "-1" is not a number
        pass

    for variable in ("-1", Decimal(-1), VariablePrice()):
        assert _price_json(variable) is None
        assert _per_million(variable) == "variable"
    assert _per_million("0.0000025") == "$2.50"
    assert _per_million(Decimal("0.00000015")) == "$0.15"
    assert _per_million(None) == "?"


# -- key and cost --------------------------------------------------------------------------------


def test_key_shows_an_unlimited_key(emulator: Emulator) -> None:
    result = run("key")
    assert result.code == 0, result.err
    assert re.search(r"^key\s+sk-or-emu-\w+\.\.\.\w+$", result.out, re.MULTILINE)
    assert re.search(r"^limit\s+unlimited$", result.out, re.MULTILINE)
    assert re.search(r"^usage\s+\$0\.00 \(today \$0\.00", result.out, re.MULTILINE)
    assert re.search(r"^remaining\s+unlimited$", result.out, re.MULTILINE)
    assert emulator.api_key not in result.out


def test_key_shows_limit_usage_and_remaining(emulator: Emulator) -> None:
    info = {"label": "sk-or-v1-abc...789", "limit": 10.0, "limit_remaining": 7.5, "usage": 2.5}
    extra = {"limit_reset": "monthly", "is_free_tier": True, "expires_at": "2027-01-01T00:00:00Z"}
    emulator.script(path="/key", body={"data": {**info, **extra}}, times=2)
    result = run("key")
    assert result.code == 0, result.err
    assert re.search(r"^limit\s+\$10\.00 \(resets monthly\)$", result.out, re.MULTILINE)
    assert re.search(r"^usage\s+\$2\.50$", result.out, re.MULTILINE)
    assert re.search(r"^remaining\s+\$7\.50$", result.out, re.MULTILINE)
    assert re.search(r"^tier\s+free \(", result.out, re.MULTILINE)
    assert re.search(r"^expires\s+2027-01-01T00:00:00Z$", result.out, re.MULTILINE)
    data = json.loads(run("key", "--json").out)
    assert data["unlimited"] is False
    assert (data["limit"], data["limit_remaining"], data["usage"]) == ("10", "7.5", "2.5")


def test_key_json_marks_an_unlimited_key(emulator: Emulator) -> None:
    data = json.loads(run("key", "--json").out)
    assert data["unlimited"] is True
    assert data["limit"] is None
    assert data["label"].startswith("sk-or-emu-")


def test_cost_shows_a_generation(emulator: Emulator) -> None:
    reply = json.loads(run("chat", "Hi", "--json").out)
    result = run("cost", reply["id"])
    assert result.code == 0, result.err
    assert f"generation  {reply['id']}" in result.out
    assert "model       openai/gpt-4o-mini (via OpenAI)" in result.out
    usage = reply["usage"]
    assert (
        f"tokens      {usage['prompt_tokens']} prompt + {usage['completion_tokens']} completion"
        f" = {usage['total_tokens']}"
    ) in result.out
    assert f"cost        ${Decimal(reply['cost']):.8f}" in result.out
    assert re.search(r"^latency\s+[\d.]+ ms", result.out, re.MULTILINE)
    assert "finish      stop (streamed)" in result.out
    data = json.loads(run("cost", reply["id"], "--json").out)
    assert data["id"] == reply["id"]
    assert Decimal(data["total_cost"]) == Decimal(reply["cost"])
    assert data["prompt_tokens"] == usage["prompt_tokens"]
    assert data["provider"] == "OpenAI"
    assert data["latency_ms"] is not None


def test_cost_of_an_unknown_generation_is_not_found(emulator: Emulator) -> None:
    result = run("cost", "gen-does-not-exist")
    assert result.code == Exit.NOT_FOUND
    assert result.err.startswith("openrouter-kit: no generation 'gen-does-not-exist': check the id")
    assert result.err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["chat", "Hi", "--max-tokens", "0"], "argument --max-tokens: must be at least 1, got 0"),
        (["chat", "Hi", "--temperature", "warm"], "argument --temperature: invalid float value"),
        (["emulator", "--port", "http"], "argument --port: not a port number: 'http'"),
        (["emulator", "--port", "70000"], "argument --port: must be 0-65535, got 70000"),
        (["cost", " "], "openrouter-kit: the generation id is empty: pass the id of a completion"),
        (
            ["chat", "Hi", "--model", "", "--variant", "nitro"],
            "openrouter-kit: invalid request: model_id must be a non-empty string",
        ),
    ],
)
def test_bad_arguments_are_usage_errors(emulator: Emulator, argv: list[str], message: str) -> None:
    result = run(*argv)
    assert result.code == 2
    assert message in result.err
    assert emulator.requests == []


# -- global options and usage errors ----------------------------------------------------------


@pytest.mark.parametrize("before", [True, False])
def test_base_url_works_before_or_after_the_command(
    emulator: Emulator, monkeypatch: pytest.MonkeyPatch, before: bool
) -> None:
    """--base-url is a global option: either side of the command (P4)."""
    monkeypatch.delenv("OPENROUTER_BASE_URL")
    url = ["--base-url", emulator.base_url]
    for argv in (["chat", "Hi"], ["models"], ["key"]):
        full = [*url, *argv] if before else [*argv, *url]
        result = run(*full)
        assert result.code == 0, (full, result.err)
    assert len(emulator.requests) == 3
    unreachable = "http://127.0.0.1:9/api/v1"
    after = run("--base-url", unreachable, "chat", "--base-url", emulator.base_url, "Hi")
    assert after.code == 0, after.err  # the one after the command wins


def test_an_unknown_option_shows_the_commands_usage(emulator: Emulator) -> None:
    result = run("chat", "--bogus", "Hi")
    assert result.code == 2
    assert result.err.startswith("usage: openrouter-kit chat ")
    assert result.err.endswith("openrouter-kit chat: error: unrecognized arguments: --bogus\n")
    assert emulator.requests == []
    models = run("models", "--bogus")
    assert models.err.startswith("usage: openrouter-kit models ")


def test_base_url_does_not_apply_to_the_emulator_commands() -> None:
    for command in ("demo", "emulator"):
        result = run("--base-url", "http://127.0.0.1:9/api/v1", command)
        assert result.code == 2
        assert f"openrouter-kit {command}: error: --base-url does not apply to {command}" in (
            result.err
        )


def test_python_dash_m_runs_the_command() -> None:
    """``python -m openrouter_kit`` is the same command (P11)."""
    result = subprocess.run(
        [sys.executable, "-m", "openrouter_kit", "demo", "--prompt", "ping"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "You said: ping" in result.stdout
    version = subprocess.run(
        [sys.executable, "-m", "openrouter_kit", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert version.stdout.startswith("openrouter-kit ")


# -- a model that does not exist -------------------------------------------------------------


def test_a_mistyped_model_gets_a_did_you_mean(emulator: Emulator) -> None:
    """The model list is public, so a bad --model is compared with it (P6)."""
    result = run("chat", "--model", "openai/gpt-4o-minii", "Hi")
    assert result.code == Exit.NOT_FOUND
    assert result.err.count("\n") == 1
    assert result.err.startswith(
        "openrouter-kit: model not found: unknown model 'openai/gpt-4o-minii'"
    )
    assert "did you mean openai/gpt-4o-mini" in result.err
    assert "is not a valid model ID" in result.err  # the server's words are kept
    assert result.err.rstrip().endswith(
        "list the models with `openrouter-kit models --search TEXT`"
    )


def test_a_model_unlike_any_gets_the_servers_words(emulator: Emulator) -> None:
    result = run("chat", "--model", "zzz/qqq", "Hi")
    assert result.code == Exit.NOT_FOUND
    assert "did you mean" not in result.err
    assert "zzz/qqq is not a valid model ID" in result.err


def test_demo_with_an_unknown_model_names_the_demos_models() -> None:
    """The demo's emulator is gone after it: `models` would ask the real API instead (P6)."""
    result = run("demo", "--model", "foo/bar")
    assert result.code == Exit.NOT_FOUND
    assert "models --search" not in result.err
    assert "the demo's emulator serves " in result.err
    assert "openai/gpt-4o-mini" in result.err
    near = run("demo", "--model", "openai/gpt-4o-mino")
    assert "did you mean openai/gpt-4o-mini" in near.err


# -- emulator ------------------------------------------------------------------------------------


def test_ctrl_c_stops_the_emulator_with_status_0() -> None:
    """Ctrl-C is how the emulator command stops: exit 0, as the README says (P16)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "openrouter_kit", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("OpenRouter emulator listening on http://")
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
    assert process.returncode == 0
    assert "Traceback" not in stderr


def test_emulator_on_a_busy_port_is_one_clear_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("emulator", "--port", str(port))
    assert result.code == 2
    assert result.err.startswith(f"openrouter-kit: cannot start the emulator on port {port}: ")
    assert result.err.endswith("pick another --port\n")


# -- help ----------------------------------------------------------------------------------------

OPTIONS = {
    "chat": [
        "PROMPT", "--model", "--variant", "--system", "--temperature", "--max-tokens", "--json",
        "--base-url", "nitro", "stdin",
    ],
    "models": ["--capability", "--max-price", "--search", "--json", "--base-url", *CAPABILITIES],
    "key": ["--json", "--base-url"],
    "cost": ["GENERATION_ID", "--json", "--base-url"],
    "demo": ["--model", "--prompt"],
    "emulator": ["--port"],
}  # fmt: skip


@pytest.mark.parametrize("command", sorted(OPTIONS))
def test_every_command_has_help_with_its_options_and_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.code == 0
    assert result.out.startswith(f"usage: openrouter-kit {command} ")
    for option in OPTIONS[command]:
        assert option in result.out, option
    examples = result.out.split("examples:\n", 1)[1]
    assert f"openrouter-kit {command}" in examples


def test_main_help_lists_commands_environment_and_every_exit_status() -> None:
    result = run("--help")
    assert result.code == 0
    for command in OPTIONS:
        assert re.search(rf"^    {command}\s+\w", result.out, re.MULTILINE), command
    assert "OPENROUTER_API_KEY" in result.out
    for code, meaning in EXIT_CODES:
        assert re.search(rf"^\s+{code.value}  {re.escape(meaning)}$", result.out, re.MULTILINE)
    # main()'s docstring documents the same statuses
    assert main.__doc__ is not None
    for code, meaning in EXIT_CODES:
        assert f"- {code.value}: {meaning.replace('| head', '``| head``')}" in main.__doc__


def test_version_and_a_missing_command() -> None:
    result = run("--version")
    assert result.code == 0
    assert re.fullmatch(r"openrouter-kit \d+\.\d+\.\d+\S*\n", result.out)
    missing = run()
    assert missing.code == 2
    assert "the following arguments are required: COMMAND" in missing.err


def test_help_does_not_import_the_emulator_or_yaml() -> None:
    code = (
        "import sys, io; from openrouter_kit._cli import main; main(['--help'], out=io.StringIO());"
        "print(sorted(m for m in ('yaml', 'openrouter_kit.testing') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stderr
