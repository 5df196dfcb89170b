"""A client's configuration: where the key and base URL come from, and what is refused."""

from __future__ import annotations

from typing import Any

import pytest

from openrouter_kit import errors
from openrouter_kit._core.config import DEFAULT_BASE_URL, Config, Timeouts, check_base_url
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
    ],
)
def test_other_urls_are_refused(url: str, words: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=words):
        check_base_url(url)


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
