"""The ``openrouter-kit`` command line, end to end against the loopback emulator."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from openrouter_kit import Client
from openrouter_kit._cli import EXIT_CODES, Exit, main
from openrouter_kit._client import Stream
from openrouter_kit._core.registry import CAPABILITIES, capabilities_of
from openrouter_kit._generated.models import ModelInfo
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
    assert Decimal(data["cost"]) > 0  # money as an exact decimal string
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
    for argv in (["chat", "Hi"], ["models"], ["key"], ["cost", "gen-1"]):
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
    result = run("models", "--capability", "tools", "--max-price", "0.00000015", "--json")
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
        expected: dict[str, ModelInfo] = {m.id: m for m in client.list_models()}
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
    assert mini["prompt"] == "0.00000015"
    assert "vision" in mini["capabilities"]


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


# -- emulator ------------------------------------------------------------------------------------


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
