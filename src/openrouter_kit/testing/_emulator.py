"""The emulator itself: its lifecycle (start, stop, a context manager) and its control surface
(scripted answers, faults, failure injection, models taken down, counters).

Owns: checking the arguments users give, the fake key, wiring the fake API to its server.
Never knows: how a request is answered (``_api``), how bytes reach a socket (``_server``).
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from collections.abc import Sequence
from typing import Any, Literal, Self

from openrouter_kit.testing._api import FakeOpenRouter, Script, StreamScript, ToolScript
from openrouter_kit.testing._exchange import API_PREFIX, api_path, error_body
from openrouter_kit.testing._faults import Fault, Injection, check_fault
from openrouter_kit.testing._ledger import Ledger, RecordedRequest
from openrouter_kit.testing._models import ModelTable
from openrouter_kit.testing._server import Connections, Server

__all__ = ["Emulator", "Fault", "serve"]

#: The error event ``script_stream(error_after=...)`` sends unless told otherwise.
_DEFAULT_STREAM_ERROR: dict[str, Any] = {
    "code": 502,
    "message": "Provider disconnected",
    "metadata": {"error_type": "provider_unavailable"},
}


class Emulator:
    """A loopback emulator of the OpenRouter API, run in a background thread.

    Args:
        host: Interface to bind; loopback by default.
        port: TCP port; ``0`` picks a free one (read it back from :attr:`base_url`).
        models: A model table replacing the built-in one (:func:`default_models`). Entries may be
            partial: ``id`` is required, every other documented field gets a default.
        latency: Seconds to wait before answering each chat completion (streams send the
            ``: OPENROUTER PROCESSING`` comment first, then wait).
        chunk_delay: Seconds to wait between SSE events of a streamed answer.
        generation_delay: Seconds before a generation's record appears at ``GET /generation``
            once it was served (OpenRouter's take a few seconds); until then that id is a 404.

    Every request needs an ``Authorization: Bearer <token>`` header, except ``GET /models`` and
    ``GET /models/{author}/{slug}/endpoints``, which OpenRouter serves without a key (the endpoints'
    latency and throughput are then null); any non-empty token is accepted (:attr:`api_key` is a
    convenient one). Use it as a context manager, or call :meth:`start` and :meth:`stop`.

    Key management (``/keys``) keeps keys in memory and needs :attr:`management_key`; a key it
    disabled is refused (401). Sign-in with OpenRouter: ``GET /auth?callback_url=...`` (on the
    site, outside ``/api/v1``) approves at once, redirecting to the callback with a ``code``;
    ``POST /auth/keys`` exchanges it (once, the PKCE verifier checked) for a new key, and
    ``POST /auth/keys/code`` makes codes too. A completion with the ``web`` plugin, the
    ``openrouter:web_search`` server tool or a ``:online`` model carries ``url_citation``
    annotations (``max_results`` of them, 2 by default), streamed too. ``GET
    /generation/content`` answers for chat, embeddings and rerank generations (the last two
    with the embedded text or the query as ``input.prompt`` and no completion).

    Its answers follow OpenRouter's OpenAPI document (the test suite validates each route's
    answers against it): ``/models`` has ``total_count`` and ``links`` and pages with
    ``offset``/``limit``; a model id may carry any documented ``:variant`` (``RouteVariant``,
    ``:batch`` included; ``:free`` costs nothing); a router such as ``openrouter/auto`` lists no
    endpoints of its own. The answers are echoes and placeholder values, not a model's words.

    The server runs one daemon thread per connection and accepts hundreds of concurrent
    (keep-alive) connections; :attr:`open_connections` and :attr:`connections_total` count them,
    :meth:`inject_failures` makes a reproducible share of the requests fail, and
    :meth:`take_down` makes one model fail (a ``models`` fallback list then answers from the next).

    Chat completion answers are deterministic; streamed and plain answers to the same request
    agree exactly (content, tool calls, usage, cost). The text is ``"Hello from <model>! You said:
    <last user text>"``. Tools are called when the request asks (``tool_choice: "required"`` or a
    named function) or, with ``"auto"`` (the default), when the last user message says "weather"
    and a tool's name contains it; a turn that sends tool results back is answered ``"Based on
    the tool results: ..."``; :meth:`script_tool_calls` overrides all of these. The full rules,
    with reasoning, tokens and costs: ``openrouter_kit/testing/_chat.py``.

    ``response_format`` shapes a text answer: ``{"type": "json_object"}`` makes the content
    ``{"answer":"<the text>"}``; ``{"type": "json_schema", "json_schema": {"name": ...,
    "schema": {...}}}`` makes it a small document generated from the schema that validates
    against it: every property, strings named after their property, integers 1, numbers 1.5,
    booleans true, arrays of 2 items, all within the schema's bounds (the exact rules:
    ``openrouter_kit/testing/_examples.py``). Both are compact JSON (``separators=(",", ":")``,
    non-ASCII kept). ``finish_reason`` is ``"stop"`` (``"length"`` when ``max_tokens`` cuts the
    document); ``script_stream(chunks=...)`` does not reshape such documents. A malformed
    ``response_format`` or an unresolvable ``$ref`` is a 400.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        models: list[dict[str, Any]] | None = None,
        latency: float = 0.0,
        chunk_delay: float = 0.0,
        generation_delay: float = 0.0,
    ) -> None:
        """Create a stopped emulator; see the class docstring for the arguments."""
        self._management_key = "sk-or-emu-mgmt-" + secrets.token_hex(16)
        self._api = FakeOpenRouter(
            ModelTable(models),
            latency=latency,
            chunk_delay=chunk_delay,
            generation_delay=generation_delay,
            management_key=self._management_key,
        )
        self._host = host
        self._port = port
        self._api_key = "sk-or-emu-" + secrets.token_hex(16)
        self._connections = Connections()
        self._server: Server | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind the port and start serving in a daemon thread.

        Returns:
            The emulator itself, so ``emu = Emulator().start()`` works.

        Raises:
            RuntimeError: If it is already running.
        """
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        server = Server(self._host, self._port, self._api.handle, self._connections)
        server.start()
        self._server = server
        return self

    def stop(self) -> None:
        """Stop serving, close open connections and the listening socket, and join the thread.

        Calling it on a stopped emulator does nothing.
        """
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> Self:
        """Start the emulator.

        Returns:
            The running emulator.
        """
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        """Stop the emulator."""
        self.stop()

    def __repr__(self) -> str:
        """Show the address and state, never the key."""
        where = self.base_url if self._server is not None else "stopped"
        return f"<Emulator {where}>"

    # -- public state -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The API base URL, e.g. ``"http://127.0.0.1:51234/api/v1"``.

        Raises:
            RuntimeError: If the emulator has not been started.
        """
        if self._server is None:
            raise RuntimeError("start the emulator before asking for its base_url")
        host, port = self._server.address
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{API_PREFIX}"

    @property
    def api_key(self) -> str:
        """A fake key the emulator accepts (``"sk-or-emu-"`` + 32 hex digits)."""
        return self._api_key

    @property
    def management_key(self) -> str:
        """The management key the emulator's ``/keys`` routes take (any other token gets 403)."""
        return self._management_key

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request received so far, in arrival order, credentials redacted."""
        return self._api.requests

    @property
    def ledger(self) -> Ledger:
        """The usage totals of every successful completion served (thread-safe)."""
        return self._api.ledger

    @property
    def disconnects(self) -> int:
        """How many times a client went away while the emulator was still writing an answer."""
        return self._connections.disconnects

    @property
    def models(self) -> list[dict[str, Any]]:
        """A deep copy of the emulator's model table (what ``GET /models`` serves)."""
        return copy.deepcopy(self._api.table.entries)

    @property
    def open_connections(self) -> int:
        """How many client TCP connections are open on the server side right now.

        A connection counts from the moment the server accepts it until it ends, idle keep-alive
        connections included: it stops counting when the client closes it (or the emulator
        drops it, e.g. for a fault). Thread-safe.
        """
        return self._connections.open

    @property
    def connections_total(self) -> int:
        """How many TCP connections the server accepted since :meth:`start` or :meth:`reset`."""
        return self._connections.total

    @property
    def injected_failures(self) -> int:
        """How many failures :meth:`inject_failures` injected since start or :meth:`reset`."""
        return self._api.injected_failures

    def reset(self) -> None:
        """Forget scripts, recorded requests, generations, counters, failure injection, ledger
        and models taken down (:meth:`take_down`).

        The counters are :attr:`disconnects`, :attr:`injected_failures` and
        :attr:`connections_total`; connections still open stay in :attr:`open_connections`.
        """
        self._api.reset()
        self._connections.reset()

    # -- scripting ----------------------------------------------------------------------------

    def script(
        self,
        *,
        status: int = 200,
        body: dict[str, Any] | list[Any] | str | bytes | None = None,
        headers: dict[str, str] | None = None,
        path: str | None = None,
        times: int = 1,
        delay: float = 0.0,
        fault: Fault | None = None,
        trickle_delay: float = 0.01,
    ) -> None:
        """Queue a canned answer, or a transport fault, for the next ``times`` matching requests.

        Scripted answers take precedence over everything else (auth, routing, validation and
        :meth:`inject_failures`) and are consumed first-in, first-out among those matching a
        request's path, faulted or not.

        With ``fault``, the request is read in full and then answered badly. Without ``body``,
        the fault applies to the answer the emulator would normally give (a completion, streamed
        or not, the model list, an auth error, ...); with ``body``, to the scripted answer:

        - ``"reset_before_headers"``: close the connection abruptly (TCP RST where the platform
          allows it) without sending a byte; the client sees a connection error (an
          ``httpx.TransportError`` such as ``ReadError`` or ``RemoteProtocolError``).
        - ``"reset_mid_body"``: send the status line, the headers (with the ``Content-Length`` of
          the whole body, or ``Transfer-Encoding: chunked`` for a stream) and about half of the
          body, then reset the connection (``ReadError`` or ``RemoteProtocolError``).
        - ``"truncate"``: the same, but close the connection cleanly (FIN) after half the body;
          the client sees an incomplete body (``httpx.RemoteProtocolError``).
        - ``"malformed_json"``: a complete answer with status ``status`` (200 by default),
          ``Content-Type: application/json`` (unless ``headers`` sets another) and the body
          ``{"id": "gen-broken", "choices": [``, which is not valid JSON. The request is not
          routed, so ``body`` must be ``None``.
        - ``"trickle"``: the whole answer, sent 16 bytes at a time with ``trickle_delay``
          seconds between writes (the status line and headers included); a client whose read
          timeout is shorter than ``trickle_delay`` times out (``httpx.ReadTimeout``).

        A faulted request that never delivered a complete answer is not billed: it is not in
        the :attr:`ledger` and no ``GET /generation`` record is kept for it (that is every fault
        but a ``"trickle"`` of the normal answer that was written to the end). It is still in
        :attr:`requests`. ``delay`` is waited before the fault, as for any scripted answer. A
        streamed completion faulted without a body is produced as usual first, so it uses up a
        :meth:`script_stream` entry; a ``"malformed_json"`` or ``"reset_before_headers"`` one
        does not.

        Args:
            status: HTTP status to send.
            body: A dict or list is sent as JSON (``application/json``); str or bytes is sent as
                is (``text/html`` when it starts with ``<``, else ``text/plain``); ``None`` sends
                an empty body.
            headers: Extra response headers; they override the defaults (set ``Content-Type``
                here for e.g. a raw ``text/event-stream`` body). ``Content-Length``,
                ``Transfer-Encoding`` and ``Connection`` are managed by the emulator.
            path: Only match requests to this path, relative to the base URL
                (``"/chat/completions"``; a leading ``/api/v1`` is accepted); ``None`` matches
                any path.
            times: How many requests this answer serves.
            delay: Seconds to wait before sending it (to trigger client timeouts).
            fault: The transport fault to inject (see above); ``None`` answers normally.
            trickle_delay: Seconds between two writes of a ``"trickle"`` answer.

        Raises:
            ValueError: If ``times`` is less than 1, ``status`` is not a valid HTTP status,
                ``fault`` is unknown, ``trickle_delay`` is negative, ``body`` is
                given with ``"malformed_json"``, or ``status`` or ``headers`` are given with
                another fault but no ``body`` (the normal answer brings its own).
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if not 100 <= status <= 999:
            raise ValueError(f"invalid HTTP status {status}")
        if trickle_delay < 0:
            raise ValueError("trickle_delay must not be negative")
        if fault is not None:
            check_fault(fault)
            if fault == "malformed_json" and body is not None:
                raise ValueError("malformed_json sends its own body; leave body out")
            if fault != "malformed_json" and body is None and (status != 200 or headers):
                raise ValueError(
                    f"{fault} without a body faults the normal answer: status and headers "
                    "cannot be set (give a body to fault a scripted answer)"
                )
        content_type: str | None
        if body is None:
            data, content_type = b"", None
        elif isinstance(body, dict | list):
            data, content_type = json.dumps(body).encode(), "application/json"
        else:
            data = body.encode() if isinstance(body, str) else bytes(body)
            is_html = data.lstrip().startswith(b"<")
            content_type = f"text/{'html' if is_html else 'plain'}; charset=utf-8"
        extra = dict(headers or {})
        for name in list(extra):
            if name.lower() == "content-type":
                content_type = extra.pop(name)
        entry = Script(
            status=status,
            body=data,
            content_type=content_type,
            headers=extra,
            path=None if path is None else api_path(path),
            remaining=times,
            delay=delay,
            fault=fault,
            trickle_delay=float(trickle_delay),
            scripted_body=body is not None,
        )
        self._api.add_script(entry)

    def inject_failures(
        self,
        rate: float,
        *,
        statuses: Sequence[int] = (500, 502, 503),
        faults: Sequence[Fault] = (),
        seed: int = 0,
        path: str | None = "/chat/completions",
        trickle_delay: float = 0.01,
    ) -> None:
        """Make a random share of the matching requests fail, from now until :meth:`reset`.

        For every request to ``path`` that no :meth:`script` entry answers, the emulator draws
        from a ``random.Random(seed)`` (under a lock, two draws per request, in arrival order):
        with probability ``rate`` the request fails, with one of ``statuses`` or ``faults``
        picked uniformly from the same generator. The outcome of the n-th matching request
        therefore depends only on ``seed`` and n, so a run is reproducible, even with
        concurrent clients (which of them gets the n-th slot is up to the scheduler).

        A status failure is answered before routing (no auth or validation) with the
        documented error body ``{"error": {"code": status, "message": ...}}``; a fault is
        applied as by ``script(fault=...)`` without a body. Failed requests are not billed (a
        ``"trickle"`` that delivered the whole answer is not a failure for the ledger).
        :attr:`injected_failures` counts the failures injected. Calling it again replaces
        the previous setting (and restarts the generator); ``inject_failures(0)`` turns it off.

        Args:
            rate: The probability, from 0 to 1, that a matching request fails.
            statuses: HTTP error statuses (400–599) to fail with.
            faults: Transport faults to fail with (see :meth:`script`).
            seed: The seed of the random generator.
            path: Only requests to this path (relative to the base URL, as for :meth:`script`)
                can fail; ``None`` means every path.
            trickle_delay: Seconds between two writes of an injected ``"trickle"``.

        Raises:
            ValueError: If ``rate`` is outside [0, 1], a status is not 400–599, a fault is
                unknown, ``trickle_delay`` is negative, or ``rate`` is positive with neither
                statuses nor faults to pick from.
        """
        if not 0 <= rate <= 1:
            raise ValueError("rate must be between 0 and 1")
        for status in statuses:
            if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
                raise ValueError(f"failure statuses must be 400-599, got {status!r}")
        for fault in faults:
            check_fault(fault)
        if trickle_delay < 0:
            raise ValueError("trickle_delay must not be negative")
        options: list[int | Fault] = [*statuses, *faults]
        if rate > 0 and not options:
            raise ValueError("give at least one status or fault to fail with")
        injection = None
        if rate > 0:
            injection = Injection.seeded(
                rate,
                options,
                seed=seed,
                path=None if path is None else api_path(path),
                trickle_delay=trickle_delay,
            )
        self._api.inject(injection)

    def take_down(
        self,
        model_id: str,
        *,
        status: int = 503,
        message: str = "No allowed providers are available for the selected model.",
    ) -> None:
        """Make one model fail every chat completion, until :meth:`bring_up` or :meth:`reset`.

        A request naming the model (or one of its ``:variant`` ids) is answered with the
        documented error body and ``status``, like a model whose providers are all down. With a
        ``models`` fallback list the emulator skips it and answers from the next candidate, as
        OpenRouter does, so ``response.model`` names the fallback that served; the error is sent
        only when no candidate can answer. A router (``openrouter/auto``) never routes to a model
        that is down. Other routes (``/models``, endpoints, ...) are not affected.

        Args:
            model_id: An id from the model table (without a ``:variant`` suffix).
            status: The HTTP error status (400–599) its requests get.
            message: The ``error.message`` text.

        Raises:
            ValueError: If the model is not in the table or ``status`` is not 400–599.
        """
        if model_id not in self._api.table.by_id:
            raise ValueError(f"{model_id!r} is not in the emulator's model table")
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise ValueError(f"status must be 400-599, got {status!r}")
        self._api.take_down(model_id, status, message)

    def bring_up(self, model_id: str) -> None:
        """Let a model taken down with :meth:`take_down` answer again (no-op if it is up)."""
        self._api.bring_up(model_id)

    def error(
        self,
        status: int,
        message: str,
        *,
        metadata: dict[str, Any] | None = None,
        code: int | str | None = None,
        path: str | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Queue a documented OpenRouter error answer.

        The body is ``{"error": {"code": code or status, "message": message, "metadata": ...}}``
        (``metadata`` only when given).

        Args:
            status: HTTP status to send.
            message: The ``error.message`` text.
            metadata: Optional ``error.metadata`` object (e.g. ``{"error_type": ...}``).
            code: ``error.code`` when it should differ from the status (e.g. a string).
            path: Only match requests to this path (see :meth:`script`).
            headers: Extra response headers (e.g. ``{"Retry-After": "2"}``).
            times: How many requests this answer serves.
        """
        self.script(
            status=status,
            body=error_body(status, message, metadata, code),
            headers=headers,
            path=path,
            times=times,
        )

    def script_stream(
        self,
        *,
        chunks: int | None = None,
        delay: float = 0.0,
        keepalive_every: int | None = None,
        error_after: int | None = None,
        error: dict[str, Any] | None = None,
        cut_after: int | None = None,
        malformed_after: int | None = None,
        usage_style: Literal["empty_choices", "empty_delta"] = "empty_choices",
        done: bool = True,
        times: int = 1,
    ) -> None:
        """Shape the next ``times`` streamed chat completions (SSE), first-in, first-out.

        Only a request with ``"stream": true`` that the emulator answers with a stream uses up
        these options; plain requests, requests that fail validation (answered with an HTTP
        error) and requests answered by :meth:`script` or :meth:`error` leave them queued.

        A stream is: the ``: OPENROUTER PROCESSING`` comment; an opening chunk with
        ``delta: {"role": "assistant", "content": ""}`` (``"content": null`` for tool calls);
        the reasoning deltas, if the request asked for reasoning; the *answer deltas* (one
        ``delta.content`` piece each, or the tool-call deltas of a tool-call answer); a chunk with
        the ``finish_reason``; the usage chunk; ``data: [DONE]``. The ``*_after`` positions below
        count answer deltas only; a position past the last answer delta means "after the last
        one". Several breaks at one position come in the order malformed line, then error or cut.

        Args:
            chunks: Make the text answer exactly this many content deltas (one token each): the
                first ``chunks`` pieces of the usual answer (``"Hello from <model>! You said:
                <last user text>"``), or, when it has only ``L < chunks`` pieces, all of them
                followed by ``" w0"``, ``" w1"``, ... ``" w<chunks - L - 1>"``. ``usage`` (tokens
                and cost) follows that content, and ``finish_reason`` stays ``"stop"``
                (``max_tokens`` still cuts it, with ``"length"``). Ignored for tool-call answers.
            delay: Seconds to sleep between consecutive ``data:`` events of the stream; replaces
                the constructor's ``chunk_delay`` for these streams (``0`` means no pause).
            keepalive_every: Also send a ``: OPENROUTER PROCESSING`` comment right before every
                K-th ``data:`` event (counting every ``data:`` event, ``[DONE]``, error and
                malformed ones included), besides the one that opens the stream.
            error_after: After this many answer deltas, send the documented mid-stream error
                event (HTTP status stays 200): a ``data:`` chunk with the usual ``id``, ``object``,
                ``created``, ``model`` and ``provider``, a top-level ``error`` object and
                ``choices: [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]``;
                then end the body cleanly with no usage chunk and no ``[DONE]``. The ledger counts
                the request with the completion tokens delivered before the error (reasoning
                included) and their cost; ``GET /generation`` shows those tokens and cost,
                ``finish_reason: "error"`` and ``cancelled: false``.
            error: The ``error`` object of that event; defaults to ``{"code": 502, "message":
                "Provider disconnected", "metadata": {"error_type": "provider_unavailable"}}``.
            cut_after: After this many answer deltas, shut the TCP connection down and close it
                in the middle of the chunked body (no terminating chunk, no usage, no
                ``[DONE]``), so the client sees a protocol error or an unexpected end of body.
                Billed like ``error_after`` (the tokens delivered before the cut), but the
                generation shows ``finish_reason: null`` and ``cancelled: true``. The cut is not
                counted in :attr:`disconnects` (the client did not go away).
            malformed_after: After this many answer deltas, send the invalid-JSON event
                ``data: {"id": "gen-x", "choices": [`` (plus the blank line), then carry on
                normally up to ``[DONE]``.
            usage_style: ``"empty_choices"`` sends the usage chunk with ``choices: []`` (the
                documented shape); ``"empty_delta"`` sends ``choices: [{"index": 0, "delta": {},
                "finish_reason": null}]`` instead (also seen on the wire).
            done: ``False`` leaves out the final ``data: [DONE]`` (the finish and usage chunks
                are still sent and the body still ends cleanly).
            times: How many streamed completions these options shape.

        Raises:
            ValueError: If a count is negative (``keepalive_every`` and ``times`` must be at
                least 1), ``delay`` is negative, ``usage_style`` is unknown, ``error`` is not a
                dict, or both ``error_after`` and ``cut_after`` are given.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if keepalive_every is not None and keepalive_every < 1:
            raise ValueError("keepalive_every must be at least 1")
        counts = {
            "chunks": chunks,
            "error_after": error_after,
            "cut_after": cut_after,
            "malformed_after": malformed_after,
        }
        for name, value in counts.items():
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative")
        if delay < 0:
            raise ValueError("delay must not be negative")
        if usage_style not in ("empty_choices", "empty_delta"):
            raise ValueError(f"unknown usage_style {usage_style!r}")
        if error is not None and not isinstance(error, dict):
            raise ValueError("error must be a dict (the event's error object)")
        if error_after is not None and cut_after is not None:
            raise ValueError("give error_after or cut_after, not both")
        entry = StreamScript(
            chunks=chunks,
            delay=float(delay),
            keepalive_every=keepalive_every,
            error_after=error_after,
            error=copy.deepcopy(_DEFAULT_STREAM_ERROR if error is None else error),
            cut_after=cut_after,
            malformed_after=malformed_after,
            usage_style=usage_style,
            done=done,
            remaining=times,
        )
        self._api.add_stream_script(entry)

    def script_tool_calls(self, calls: list[dict[str, Any]], *, times: int = 1) -> None:
        """Make the next ``times`` chat completions answer with exactly these tool calls (FIFO).

        Each call is ``{"name": str, "arguments": str, "id"?: str}``. ``arguments`` is sent
        verbatim as the raw JSON text of the arguments, so it may be invalid JSON on purpose;
        without an ``id`` the call gets the usual request-derived ``call_<n>`` id. The answer has
        ``content: null`` and ``finish_reason: "tool_calls"``, whatever ``tools``,
        ``tool_choice`` and the messages say, streamed (the usual tool-call deltas) or not; usage
        counts the tokens of the names and arguments. Only chat completions the emulator answers
        itself use these up: requests answered by :meth:`script` or :meth:`error`, failing
        validation or other routes leave them queued.

        Raises:
            ValueError: If ``calls`` is empty, a call lacks a non-empty string ``name`` or a
                string ``arguments``, ``id`` is not a non-empty string, or ``times`` < 1.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if not isinstance(calls, list) or not calls:
            raise ValueError("calls must be a non-empty list")
        checked: list[dict[str, str]] = []
        for call in calls:
            if not isinstance(call, dict):
                raise ValueError("each call must be a dict")
            name, arguments, call_id = call.get("name"), call.get("arguments"), call.get("id")
            if not isinstance(name, str) or not name:
                raise ValueError("each call needs a non-empty string 'name'")
            if not isinstance(arguments, str):
                raise ValueError("each call needs 'arguments' as a string (raw JSON text)")
            if call_id is not None and (not isinstance(call_id, str) or not call_id):
                raise ValueError("a call 'id' must be a non-empty string")
            unknown = set(call) - {"name", "arguments", "id"}
            if unknown:
                raise ValueError(f"unknown call keys: {sorted(unknown)}")
            entry = {"name": name, "arguments": arguments}
            if call_id is not None:
                entry["id"] = call_id
            checked.append(entry)
        self._api.add_tool_script(ToolScript(checked, times))


def serve(host: str = "127.0.0.1", port: int = 8765) -> None:
    """Run an emulator in the foreground until Ctrl-C (for the ``openrouter-kit`` CLI).

    Prints the base URL to use; any non-empty Bearer token is accepted. Ctrl-C stops it and
    returns normally.

    Args:
        host: Interface to bind.
        port: TCP port to listen on.
    """
    emulator = Emulator(host=host, port=port)
    try:  # Ctrl-C is the way to stop, from the moment the server is up: return normally then
        emulator.start()
        print(f"OpenRouter emulator listening on {emulator.base_url}", flush=True)
        print("Any non-empty Bearer token is accepted. Press Ctrl-C to stop.", flush=True)
        # Bounded waits: a Ctrl-C that lands just before a wait begins is acted on within
        # half a second (an endless wait would miss it).
        while True:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()
