"""A client's configuration: where the key and base URL come from, and what is refused."""

from __future__ import annotations

from typing import Any

import pytest

from openrouter_kit import errors
from openrouter_kit._core.config import (
    DEFAULT_BASE_URL,
    Config,
    Timeouts,
    check_base_url,
    check_headers,
)
from tests.conftest import CANARY_KEY


@pytest.mark.parametrize(
    "url",
    [
        "https://openrouter.ai/api/v1/",
        "http://127.0.0.1:8080/api/v1",
        "http://[::1]/api/v1",
        "http://localhost/api/v1",
        "http://emulator.localhost/api/v1",
    ],
)
def test_https_or_loopback_is_accepted(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://openrouter.ai/api/v1", "unencrypted"),
        ("http://10.0.0.1/api/v1", "unencrypted"),
        ("ftp://openrouter.ai", "must be an https:// URL"),
        ("openrouter.ai/api/v1", "must be an https:// URL"),
        ("https://bob:s3cretpw@openrouter.ai/api/v1", "user name or password"),
        ("http://bob:s3cretpw@127.0.0.1:4000/api/v1", "user name or password"),
        ("https://bob@openrouter.ai/api/v1", "user name or password"),
        ("ftp://bob:s3cretpw@openrouter.ai", "user name or password"),
        ("http://127.0.0.1:80@evil.com", "user name or password"),
    ],
)
def test_other_urls_are_refused(url: str, words: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=words) as info:
        check_base_url(url)
    assert "s3cretpw" not in str(info.value)  # a password in the URL is never shown


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({"X A": "1"}, "'X A' is not a header name"),
        ({"X:A": "1"}, "'X:A' is not a header name"),
        ({"": "1"}, "'' is not a header name"),
        ({5: "1"}, "int is not a header name"),
        ({"X-Ä": "1"}, "is not a header name"),
        ({"X-A": 5}, "the value of X-A must be a string, got int"),
        ({"X-A": "a\r\nX-Evil: 1"}, "the value of X-A contains a line break"),
        ({"X-A": "a\nb"}, "contains a line break"),
        ({"X-A": "Café"}, "contains non-ASCII characters"),
        ({"X-A": "a\x00b"}, "contains a control character"),
        ({"X-A": "a\x7fb"}, "contains a control character"),
        ({"X-A": " a"}, "starts or ends with whitespace"),
        ({"X-A": "a\t"}, "starts or ends with whitespace"),
        ({"authorization": "Bearer other"}, "cannot set Authorization"),
        ({"AUTHORIZATION": "Bearer other"}, "cannot set Authorization"),
    ],
)
def test_bad_headers_are_refused_without_showing_their_values(
    headers: dict[Any, Any], words: str
) -> None:
    with pytest.raises(errors.ConfigurationError, match=words) as info:
        Config.from_env({}, api_key="sk-x", headers=headers)
    for value in headers.values():
        if isinstance(value, str) and len(value) > 2:
            assert value not in str(info.value)


def test_good_headers_pass_as_given() -> None:
    headers = {"X-A": "a b\tc", "x-b": "", "X-C": "!#$%&'*+-.^_`|~ 09AZaz", "Accept": "x/y"}
    config = Config.from_env({}, api_key="sk-x", headers=headers)
    assert config.headers == tuple(headers.items())
    assert check_headers([("X", "1")], "where") == (("X", "1"),)


@pytest.mark.parametrize("name", ["app_name", "app_url"])
@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("my app\r\nX-Injected: 1", "contains a line break"),
        ("Café", "contains non-ASCII characters"),
        ("x\x00", "contains a control character"),
        ("x ", "starts or ends with whitespace"),
        (5, "must be a string or None, got int"),
    ],
)
def test_app_name_and_url_must_be_header_values(name: str, value: Any, words: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=f"{name} .*{words}"):
        Config.from_env({}, api_key="sk-x", **{name: value})
    assert getattr(Config.from_env({}, api_key="sk-x", **{name: "My App 2"}), name) == "My App 2"
    assert getattr(Config.from_env({}, api_key="sk-x", **{name: None}), name) is None


def test_a_non_ascii_key_is_refused_without_showing_it() -> None:
    key = "sk-or-v1-ü" + "0" * 63
    with pytest.raises(errors.ConfigurationError, match="non-ASCII") as info:
        Config.from_env({}, api_key=key)
    assert key[:12] not in str(info.value)
    with pytest.raises(errors.ConfigurationError, match="non-ASCII"):
        Config.from_env({"OPENROUTER_API_KEY": key})


def test_key_and_base_url_come_from_the_environment_unless_given() -> None:
    environ = {"OPENROUTER_API_KEY": f" {CANARY_KEY} ", "OPENROUTER_BASE_URL": "http://127.0.0.1"}
    config = Config.from_env(environ)
    assert (config.api_key, config.base_url) == (CANARY_KEY, "http://127.0.0.1")
    assert Config.from_env(environ, api_key="sk-other", base_url=DEFAULT_BASE_URL).api_key == (
        "sk-other"
    )
    assert CANARY_KEY not in repr(config)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({}, "no API key"),
        ({"api_key": "sk-a b"}, "whitespace"),
        ({"api_key": "sk-x", "max_retries": -1}, "max_retries"),
        ({"api_key": "sk-x", "max_retries": True}, "max_retries"),
        ({"api_key": "sk-x", "default_params": {"stream": True}}, "default_params cannot set"),
        ({"api_key": "sk-x", "timeout": 0}, "positive number"),
    ],
)
def test_what_is_refused(kwargs: dict[str, Any], words: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=words):
        Config.from_env({}, **kwargs)


def test_what_is_not_given_keeps_the_field_s_default() -> None:
    assert Config.from_env({}, api_key="sk-x") == Config(api_key="sk-x")
    with pytest.raises(TypeError, match="colour"):
        Config.from_env({}, api_key="sk-x", colour="blue")


def test_timeouts_are_capped_by_what_is_left_of_a_deadline() -> None:
    assert Timeouts.of({"connect": 1}).as_tuple() == (1, None, None, None)
    assert Timeouts(1, 10, None, 2).capped(5).as_tuple() == (1, 5, 5, 2)
    config = Config.from_env({}, api_key="sk-x").replaced(max_retries=0, timeout=None)
    assert (config.max_retries, config.timeout) == (0, Timeouts(None, None, None, None))
