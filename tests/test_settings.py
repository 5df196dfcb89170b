"""The settings loader behind ``Client.from_settings``: results, interpolation, every error path.

Every test passes ``environ=`` explicitly; ``os.environ`` is never read or changed here.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap
import traceback
from pathlib import Path

import pytest

import openrouter_kit
from openrouter_kit import RateLimit, _settings
from openrouter_kit._settings import load_settings
from openrouter_kit.errors import ConfigurationError

CANARY = "sk-or-v1-" + "CANARY0123456789abcdef0123456789abcdef0123456789abcdef0123"  # fake
ENV = {"OPENROUTER_API_KEY": CANARY}

FULL = """\
    llm:
      provider: openrouter
      api_key: ${OPENROUTER_API_KEY}
      base_url: ${OPENROUTER_BASE_URL:-https://openrouter.ai/api/v1}
      default_model: anthropic/claude-3.5-sonnet
      temperature: 0.7
      max_tokens: 4096
      timeout: 120
      max_retries: 3
      app_name: my-app        # optional
      app_url: https://example.com   # optional
    """


def write(tmp_path: Path, text: str, name: str = "settings.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> dict[str, object]:
    return load_settings(write(tmp_path, text), environ={} if environ is None else environ)


def error(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> str:
    """The message of the ConfigurationError that loading ``text`` raises."""
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, text, environ)
    return str(info.value)


def where(tmp_path: Path, line: int) -> str:
    return f"{tmp_path / 'settings.yaml'}, line {line}: "


# -- results -------------------------------------------------------------------------------------


def test_full_file_gives_every_client_argument(tmp_path: Path) -> None:
    assert load(tmp_path, FULL, ENV) == {
        "api_key": CANARY,
        "base_url": "https://openrouter.ai/api/v1",
        "default_model": "anthropic/claude-3.5-sonnet",
        "default_params": {"temperature": 0.7, "max_tokens": 4096},
        "timeout": 120.0,
        "max_retries": 3,
        "app_name": "my-app",
        "app_url": "https://example.com",
    }


def test_result_types_are_converted(tmp_path: Path) -> None:
    result = load(tmp_path, "llm:\n  temperature: 1\n  timeout: 30\n  max_retries: 0\n")
    assert result == {"default_params": {"temperature": 1.0}, "timeout": 30.0, "max_retries": 0}
    assert type(result["timeout"]) is float
    assert type(result["default_params"]["temperature"]) is float  # type: ignore[index]


def test_absent_keys_are_absent_from_the_result(tmp_path: Path) -> None:
    assert load(tmp_path, "llm:\n  default_model: openai/gpt-4o\n") == {
        "default_model": "openai/gpt-4o"
    }
    assert load(tmp_path, "llm: {}\n") == {}
    assert load(tmp_path, "llm:\n  max_tokens: 10\n") == {"default_params": {"max_tokens": 10}}


@pytest.mark.parametrize("value", ["null", "~", "", "${TIMEOUT:-null}"])
def test_timeout_null_means_no_timeout(tmp_path: Path, value: str) -> None:
    assert load(tmp_path, f"llm:\n  timeout: {value}\n") == {"timeout": None}


@pytest.mark.parametrize("provider", ["openrouter", "OpenRouter", "OPENROUTER"])
def test_provider_is_checked_not_returned(tmp_path: Path, provider: str) -> None:
    assert load(tmp_path, f"llm:\n  provider: {provider}\n") == {}


def test_other_top_level_sections_are_ignored(tmp_path: Path) -> None:
    text = """\
        database:
          url: ${DATABASE_URL}
          url: written twice
        llm:
          app_name: app
        """
    assert load(tmp_path, text) == {"app_name": "app"}


def test_anchors_and_merge_keys(tmp_path: Path) -> None:
    text = """\
        defaults: &defaults
          timeout: 5
          max_retries: 1
        llm:
          <<: *defaults
          timeout: 7
        """
    assert load(tmp_path, text) == {"timeout": 7.0, "max_retries": 1}


def test_path_may_be_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "llm:\n  default_model: openai/gpt-4o\n")
    assert load_settings(str(path), environ={}) == {"default_model": "openai/gpt-4o"}


# -- interpolation -------------------------------------------------------------------------------


def test_interpolation_of_a_set_variable(tmp_path: Path) -> None:
    assert load(tmp_path, "llm:\n  api_key: ${OPENROUTER_API_KEY}\n", ENV) == {"api_key": CANARY}


def test_interpolation_default_when_unset_or_empty(tmp_path: Path) -> None:
    text = "llm:\n  base_url: ${BASE:-https://example.test/v1}\n"
    assert load(tmp_path, text) == {"base_url": "https://example.test/v1"}
    assert load(tmp_path, text, {"BASE": ""}) == {"base_url": "https://example.test/v1"}
    assert load(tmp_path, text, {"BASE": "https://b.test"}) == {"base_url": "https://b.test"}


def test_interpolation_empty_default(tmp_path: Path) -> None:
    assert load(tmp_path, "llm:\n  app_name: app${SUFFIX:-}\n") == {"app_name": "app"}


def test_interpolation_several_references_in_one_string(tmp_path: Path) -> None:
    text = 'llm:\n  app_url: "https://${HOST}:${PORT:-8443}/${PATH_PART:-}x"\n'
    assert load(tmp_path, text, {"HOST": "h.test"}) == {"app_url": "https://h.test:8443/x"}


def test_interpolation_before_numeric_conversion(tmp_path: Path) -> None:
    text = """\
        llm:
          temperature: ${TEMP:-0.2}
          max_tokens: ${MAX_TOKENS}
          timeout: ${TIMEOUT:-30}
          max_retries: ${RETRIES:-2}
        """
    assert load(tmp_path, text, {"MAX_TOKENS": "4096", "RETRIES": "0"}) == {
        "default_params": {"temperature": 0.2, "max_tokens": 4096},
        "timeout": 30.0,
        "max_retries": 0,
    }


def test_interpolated_values_are_not_interpolated_again(tmp_path: Path) -> None:
    text = "llm:\n  app_name: $${A}-$B\n"
    assert load(tmp_path, text, {"A": "${B}"}) == {"app_name": "$${B}-$B"}


def test_quoted_strings_are_interpolated_too(tmp_path: Path) -> None:
    assert load(tmp_path, "llm:\n  app_name: '${A}'\n", {"A": "x"}) == {"app_name": "x"}


# -- errors: the file and its YAML ---------------------------------------------------------------


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigurationError, match="settings file not found") as info:
        load_settings(path, environ={})
    assert str(path) in str(info.value)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is a directory") as info:
        load_settings(tmp_path, environ={})
    assert str(tmp_path) in str(info.value)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_bytes(b"llm:\n  app_name: caf\xe9\n")
    with pytest.raises(ConfigurationError, match="not UTF-8"):
        load_settings(path, environ={})


def test_bad_yaml_gives_line_column_and_problem(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  app_name: x\n   bad: [1, 2\n")
    assert message.startswith(f"{tmp_path / 'settings.yaml'}, line ")
    assert "column" in message
    assert "invalid YAML" in message
    assert "Traceback" not in message


def test_bad_yaml_line_number(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  app_name: x\n  timeout: 5\n bad\n")
    assert message.startswith(where(tmp_path, 4)[:-2])
    assert "invalid YAML" in message


def test_bad_yaml_error_does_not_chain(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, "llm: [\n")
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__ or info.value.__context__ is None


def test_control_character(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  app_name: a\x07b\n")
    assert message.startswith(where(tmp_path, 2))
    assert "#x0007" in message


def test_several_documents(tmp_path: Path) -> None:
    assert "another document" in error(tmp_path, "llm: {}\n---\nllm: {}\n")


def test_empty_file(tmp_path: Path) -> None:
    assert "the file is empty" in error(tmp_path, "# only a comment\n")


@pytest.mark.parametrize(("text", "kind"), [("- a\n", "list"), ("just text\n", "string")])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str, kind: str) -> None:
    message = error(tmp_path, text)
    assert message.startswith(where(tmp_path, 1))
    assert f"expected a mapping with an 'llm:' section at the top level, got a {kind}" in message


def test_no_llm_section(tmp_path: Path) -> None:
    message = error(tmp_path, "database: {}\nlogging: {}\n")
    assert "no 'llm:' section" in message
    assert "database, logging" in message


def test_no_llm_section_suggests_the_spelling(tmp_path: Path) -> None:
    assert "did you mean 'llm'?" in error(tmp_path, "LLM:\n  app_name: x\n")


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("[1, 2]", "got a list"),
        ("openrouter", "got a string"),
        ("", "it is empty"),
        ("3", "got an integer"),
    ],
)
def test_llm_must_be_a_mapping(tmp_path: Path, value: str, detail: str) -> None:
    message = error(tmp_path, f"other: 1\nllm: {value}\n")
    assert message.startswith(where(tmp_path, 2) + "llm: expected a mapping")
    assert detail in message


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  api_key: k\n  temprature: 0.5\n")
    assert message.startswith(where(tmp_path, 3) + "llm.temprature: unknown key")
    assert "did you mean 'temperature'?" in message
    assert "known keys: api_key, app_name, app_url, base_url, default_model" in message


def test_unknown_key_without_close_match_lists_known_keys(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  colour: blue\n")
    assert "llm.colour: unknown key; known keys:" in message
    assert "did you mean" not in message


def test_duplicate_key(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  timeout: 1\n  timeout: 2\n")
    assert message == where(tmp_path, 3) + "llm.timeout: duplicate key (first at line 2)"


def test_bad_provider(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  provider: openai\n")
    assert message.startswith(where(tmp_path, 2) + "llm.provider: expected 'openrouter'")
    assert message.endswith("got 'openai'")


def test_pyyaml_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "llm: {}\n")
    monkeypatch.setitem(sys.modules, "yaml", None)  # makes `import yaml` raise ImportError
    with pytest.raises(ConfigurationError, match=r"pip install 'openrouter-kit\[yaml\]'"):
        load_settings(path, environ={})


# -- errors: values ------------------------------------------------------------------------------

BAD_VALUES = [
    ("temperature", "hot", "expected a number between 0 and 2, got 'hot'"),
    ("temperature", "2.5", "expected a number between 0 and 2, got 2.5"),
    ("temperature", "-0.1", "expected a number between 0 and 2, got -0.1"),
    ("temperature", "true", "expected a number between 0 and 2, got true"),
    ("temperature", ".nan", "expected a number between 0 and 2, got nan"),
    ("temperature", "[1]", "expected a number between 0 and 2, got a list"),
    ("max_tokens", "1.5", "expected a whole number between 1 and 2147483647, got 1.5"),
    ("max_tokens", "true", "expected a whole number between 1 and 2147483647, got true"),
    ("max_tokens", "0", "expected a whole number between 1 and 2147483647, got 0"),
    ("max_tokens", "'40x'", "expected a whole number between 1 and 2147483647, got '40x'"),
    ("max_tokens", "null", "expected a whole number between 1 and 2147483647, got null"),
    ("timeout", "0", "expected a number of seconds greater than 0, or null for no timeout, got 0"),
    ("timeout", "-1", "greater than 0, or null for no timeout, got -1"),
    ("timeout", "soon", "greater than 0, or null for no timeout, got 'soon'"),
    ("timeout", "{a: 1}", "greater than 0, or null for no timeout, got a mapping"),
    ("max_retries", "-1", "expected a whole number, 0 or more, got -1"),
    ("max_retries", "2.0", "expected a whole number, 0 or more, got 2.0"),
    ("max_retries", "false", "expected a whole number, 0 or more, got false"),
    ("default_model", "42", "expected a non-empty string, got 42 (quote it to make it a string)"),
    ("default_model", "''", "is empty"),
    ("base_url", "[https://a.test]", "expected a non-empty string, got a list"),
    ("base_url", "null", "expected a non-empty string, got null"),
    ("app_name", "'   '", "is empty"),
    ("app_name", "yes", "expected a non-empty string, got true (quote it to make it a string)"),
    ("app_url", "{x: 1}", "expected a non-empty string, got a mapping"),
    ("provider", "[openrouter]", "expected 'openrouter' (the only supported provider), got a list"),
    ("api_key", "[a, b]", "expected a non-empty string, got a list"),
    ("api_key", "12345", "got an integer (quote it to make it a string)"),
    ("api_key", "''", "is empty"),
]


@pytest.mark.parametrize(("key", "value", "expected"), BAD_VALUES)
def test_bad_value_names_field_and_line(
    tmp_path: Path, key: str, value: str, expected: str
) -> None:
    message = error(tmp_path, f"llm:\n  # the value is on line 4\n\n  {key}: {value}\n")
    assert message.startswith(where(tmp_path, 4) + f"llm.{key}")
    assert message.endswith(expected)


def test_bad_value_is_shortened(tmp_path: Path) -> None:
    message = error(tmp_path, f"llm:\n  temperature: {'x' * 500}\n")
    assert message.endswith(f"got '{'x' * 40}...'")


def test_integer_too_long_to_read(tmp_path: Path) -> None:
    message = error(tmp_path, f"llm:\n  app_name: a\n  timeout: -{'9' * 5000}\n")
    assert message == where(tmp_path, 3) + "llm.timeout: cannot read this value"


def test_very_large_integer_is_not_echoed(tmp_path: Path) -> None:
    message = error(tmp_path, f"llm:\n  max_retries: -0x{'f' * 2000}\n")
    assert message.endswith(
        "llm.max_retries: expected a whole number, 0 or more, got a very large integer"
    )


def test_unknown_tag(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  app_name: !custom x\n")
    assert message.startswith(where(tmp_path, 2) + "llm.app_name: could not determine")


def test_missing_variable_names_variable_field_and_line(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  app_name: a\n  base_url: https://${HOST}/v1\n")
    assert message.startswith(where(tmp_path, 3) + "llm.base_url: ")
    assert "environment variable HOST is not set" in message


def test_missing_variable_with_set_ones_around(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  app_name: ${A}${B}\n", {"A": "x"})
    assert message.startswith(where(tmp_path, 2) + "llm.app_name: environment variable B ")


def test_set_but_empty_variable_is_not_missing(tmp_path: Path) -> None:
    assert load(tmp_path, "llm:\n  app_name: x${A}\n", {"A": ""}) == {"app_name": "x"}


@pytest.mark.parametrize("value", ["${", "${HOST", "${1HOST}", "${}", "${HOST-x}", "a${B:-c"])
def test_malformed_reference(tmp_path: Path, value: str) -> None:
    message = error(tmp_path, f"llm:\n  app_name: '{value}'\n", {"HOST": "h", "B": "b"})
    assert message.startswith(where(tmp_path, 2) + "llm.app_name: malformed ${...} reference")


def test_api_key_interpolated_to_empty(tmp_path: Path) -> None:
    text = "llm:\n  api_key: ${OPENROUTER_API_KEY:-}\n"
    expected = where(tmp_path, 2) + "llm.api_key is empty (is OPENROUTER_API_KEY set?)"
    assert error(tmp_path, text) == expected
    assert error(
        tmp_path, "llm:\n  api_key: ${OPENROUTER_API_KEY}\n", {"OPENROUTER_API_KEY": ""}
    ) == (expected)


def test_error_metadata(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, "llm:\n  timeout: 0\n")
    assert info.value.metadata == {
        "file": str(tmp_path / "settings.yaml"),
        "line": 2,
        "field": "llm.timeout",
    }


# -- the API key never shows ---------------------------------------------------------------------


def assert_hidden(exc: BaseException, secret: str) -> None:
    texts = [str(exc), repr(exc), "".join(traceback.format_exception(exc))]
    chained: BaseException | None = exc
    while chained is not None:  # the chain an error reporter might walk, shown or not
        texts += [str(chained), repr(chained), repr(chained.args)]
        texts.append(repr(getattr(chained, "metadata", None)))
        chained = chained.__cause__ or chained.__context__
    for text in texts:
        assert secret[:20] not in text  # nor any part long enough to matter
        assert secret[-20:] not in text


CANARY_FILES = {
    "bad temperature": "llm:\n  api_key: {key}\n  temperature: hot\n",
    "unknown key": "llm:\n  api_key: {key}\n  temprature: 0.5\n",
    "missing variable elsewhere": "llm:\n  api_key: {key}\n  base_url: ${{MISSING}}\n",
    "api_key as a list": "llm:\n  api_key: [{key}]\n",
    "api_key as a mapping": "llm:\n  api_key: {{{key}: 1}}\n",
    "key in a numeric field": "llm:\n  api_key: {key}\n  max_tokens: {key}\n",
    "key before api_key": "llm:\n  timeout: x{key}\n  api_key: {key}\n",
    "key as an unknown key's name": "llm:\n  {key}: 1\n",
    "key as a provider": "llm:\n  provider: {key}\n",
    "key via environ in a number": "llm:\n  api_key: ${{K}}\n  temperature: ${{K}}\n",
    "key via environ, api_key later": "llm:\n  timeout: ${{K}}\n  api_key: ${{K}}\n",
    "bad YAML on the key's line": "llm:\n  api_key: {key}: oops\n",
    "bad YAML: unterminated quote": "llm:\n  api_key: '{key}\n",
    "bad YAML: tab after the key": "llm:\n  api_key: {key}\t\n x: y: z\n",
    "bad YAML: flow": "llm: {{api_key: {key}, [\n",
    "no llm section": "{key}: 1\n",
    "duplicate api_key": "llm:\n  api_key: {key}\n  api_key: {key}\n",
}


# Outside api_key only key-shaped strings can be recognised, so these run with CANARY only.
NOT_UNDER_API_KEY = {"key as an unknown key's name", "key as a provider", "no llm section"}
PLAIN_SECRET = "plain-secret-without-a-known-shape-0123456789"


@pytest.mark.parametrize(
    ("text", "secret"),
    [pytest.param(text, CANARY, id=f"canary: {name}") for name, text in CANARY_FILES.items()]
    + [
        pytest.param(text, PLAIN_SECRET, id=f"plain: {name}")
        for name, text in CANARY_FILES.items()
        if name not in NOT_UNDER_API_KEY
    ],
)
def test_api_key_never_appears_in_errors(tmp_path: Path, text: str, secret: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, text.format(key=secret), {"K": secret})
    assert_hidden(info.value, secret)


def test_api_key_type_error_describes_the_type_only(tmp_path: Path) -> None:
    secret = str(1234567890123 * 7)  # not written out: the traceback quotes this file's lines
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, f"llm:\n  api_key: {secret}\n")
    assert_hidden(info.value, secret)
    assert str(info.value).endswith(
        "llm.api_key: expected a non-empty string, got an integer (quote it to make it a string)"
    )


def test_key_variable_is_masked_even_without_api_key_in_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as info:
        load(
            tmp_path,
            "llm:\n  app_url: x\n  timeout: ${T}\n",
            {"OPENROUTER_API_KEY": PLAIN_SECRET, "T": PLAIN_SECRET},
        )
    assert_hidden(info.value, PLAIN_SECRET)
    assert str(info.value).endswith("got '${T}' (values of variables are not shown)")


def test_null_api_key_does_not_mask_the_word_null(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  api_key: null\n", {})
    assert message.endswith("llm.api_key: expected a non-empty string, got null")
    message = error(tmp_path, "llm:\n  app_name: x\n  timeout: nullable\n  api_key: null\n")
    assert message.endswith("got 'nullable'")


def test_a_value_from_variables_is_shown_as_written(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  api_key: ${K}\n  temperature: ${K} degrees\n", {"K": CANARY})
    assert message.endswith("got '${K} degrees' (values of variables are not shown)")


# -- import cost ---------------------------------------------------------------------------------


def test_importing_the_module_does_not_import_yaml() -> None:
    src = str(Path(_settings.__file__).resolve().parents[1])
    code = "import sys; import openrouter_kit._settings; print('yaml' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src, "PATH": ""},
        timeout=60,
    )
    assert result.stdout.strip() == "False"


# -- hostile files ------------------------------------------------------------------------------


def test_an_alias_bomb_is_described_not_expanded(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    text = "bomb:\n" + "".join(f"  {level}\n" for level in levels)  # 10**9 x's if expanded
    text += "llm:\n  timeout: x\n  api_key: *a8\n"
    message = error(tmp_path, text)
    assert message.endswith("llm.timeout: expected a number of seconds greater than 0, or null "
                            "for no timeout, got 'x'")  # fmt: skip


def test_a_merge_bomb_is_not_expanded(tmp_path: Path) -> None:
    levels = ["m0: &m0 {timeout: 1, max_retries: 2}"]
    levels += [f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 8)}]}}" for i in range(1, 12)]
    text = "bomb:\n" + "".join(f"  {level}\n" for level in levels)  # 2 * 8**11 keys if merged
    try:  # PyYAML with the fix of yaml/pyyaml#897 merges each aliased key once
        assert load(tmp_path, text + "llm:\n  <<: *m11\n") == {"timeout": 1.0, "max_retries": 2}
    except ConfigurationError as exc:  # earlier releases repeat them: the loader stops that
        assert "a mapping has more than 1000 keys once merged" in str(exc)  # noqa: PT017


def test_a_mapping_too_large_once_merged_is_refused(tmp_path: Path) -> None:
    keys = ", ".join(f"k{i}: {i}" for i in range(1001))
    message = error(tmp_path, f"big: &big {{{keys}}}\nllm:\n  <<: *big\n")
    assert message == where(tmp_path, 3) + "a mapping has more than 1000 keys once merged"
    assert load(tmp_path, f"big: {{{keys}}}\nllm: {{}}\n") == {}  # written out: not a bomb


def test_unsafe_tags_are_refused(tmp_path: Path) -> None:
    flag = tmp_path / "ran"
    text = f"llm:\n  app_name: !!python/object/apply:os.system ['touch {flag}']\n"
    message = error(tmp_path, text)
    assert message.startswith(where(tmp_path, 2) + "llm.app_name: could not determine")
    assert not flag.exists()


def test_a_key_written_twice_inside_a_value_is_not_the_sections(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  api_key: {a: 1, a: 2}\n")
    assert message == where(tmp_path, 2) + "llm.api_key: expected a non-empty string, got a mapping"


# -- the client's own checks judge the values ---------------------------------------------------


def test_the_ranges_are_the_request_schemas(tmp_path: Path) -> None:
    import attrs

    from openrouter_kit._generated.models import CompletionRequest

    limits = attrs.fields_dict(CompletionRequest)["temperature"].metadata
    message = error(tmp_path, "llm:\n  temperature: 9\n")
    assert message.endswith(f"between {limits['minimum']} and {limits['maximum']}, got 9")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "base_url: http://example.com/api/v1",
            "llm.base_url: refusing plain http:// base URL for 'example.com': the API key would "
            "travel unencrypted; use https:// (http:// is allowed only for loopback hosts)",
        ),
        ("base_url: ftp://x", "llm.base_url: base URL must be an https:// URL, got 'ftp://x'"),
        (
            "api_key: 'sk-or-v1-has a space'",
            "llm.api_key: the API key contains whitespace or control characters",
        ),
    ],
)
def test_client_checks_come_back_with_file_and_line(
    tmp_path: Path, text: str, expected: str
) -> None:
    assert error(tmp_path, f"llm:\n  app_name: x\n  {text}\n") == where(tmp_path, 3) + expected


def test_a_loopback_http_base_url_is_accepted(tmp_path: Path) -> None:
    text = "llm:\n  base_url: http://127.0.0.1:8765/api/v1\n"
    assert load(tmp_path, text) == {"base_url": "http://127.0.0.1:8765/api/v1"}


def test_keys_of_the_section_must_be_names(tmp_path: Path) -> None:
    assert error(tmp_path, "llm:\n  app_name: x\n  [a]: 1\n") == (
        where(tmp_path, 3) + "keys must be names, got a list"
    )


def test_the_section_written_twice(tmp_path: Path) -> None:
    assert error(tmp_path, "llm: {}\nother: 1\nllm: {}\n") == (
        where(tmp_path, 3) + "llm: duplicate key (first at line 1)"
    )


def test_a_merge_bomb_inside_a_value_is_that_fields_error(tmp_path: Path) -> None:
    keys = ", ".join(f"k{i}: {i}" for i in range(1001))
    message = error(tmp_path, f"big: &big {{{keys}}}\nllm:\n  timeout: {{<<: *big}}\n")
    assert message == where(tmp_path, 3) + (
        "llm.timeout: a mapping has more than 1000 keys once merged"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("llm:\n  app_name: 2024-01-01\n", "expected a non-empty string, got a date value"),
        ("!custom x\n", "expected a mapping with an 'llm:' section at the top level, got a value"),
    ],
)  # fmt: skip
def test_other_values_are_described_by_their_kind(tmp_path: Path, text: str, expected: str) -> None:
    assert error(tmp_path, text).endswith(expected)


# The review's reproducer (F10): 9**8 x's if expanded, 290 bytes; it ran for minutes under
# api_key. Nothing may walk an alias more than once, whichever field holds it.
BILLION_LAUGHS = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    for prev, name in zip("abcdefg", "bcdefgh", strict=True)
)


@pytest.mark.parametrize("field", [*_settings._FIELDS, "not_a_field"])
def test_the_billion_laughs_file_is_refused_at_once_under_any_field(
    tmp_path: Path, field: str
) -> None:
    text = BILLION_LAUGHS + f"llm:\n  {field}: *h\n"
    assert len(text.encode()) < 310 + len(field)
    message = error(tmp_path, text)
    assert f"llm.{field}: " in message
    assert "got a list" in message or "unknown key" in message or "expected" in message


def test_aliases_under_a_mapping_and_as_a_merge_are_refused_at_once(tmp_path: Path) -> None:
    mapping = "m0: &m0 {k0: x, k1: x, k2: x}\n" + "".join(
        f"m{i}: &m{i} {{" + ", ".join(f"k{j}: *m{i - 1}" for j in range(9)) + "}\n"
        for i in range(1, 16)
    )  # 9**15 keys if expanded
    assert error(tmp_path, mapping + "llm:\n  api_key: *m15\n").endswith("got a mapping")
    message = error(tmp_path, mapping + "llm:\n  timeout: *m15\n")
    assert message.endswith("no timeout, got a mapping")
    names = ["a", *(f"m{i}" for i in range(30))]
    merges = "a: &a {k0: 1, k1: 1}\n" + "".join(
        f"{name}: &{name} {{<<: [*{prev}, *{prev}]}}\n" for prev, name in itertools.pairwise(names)
    )  # 2**30 keys if PyYAML repeated every merged key
    assert "unknown key" in error(tmp_path, merges + "llm:\n  <<: *m29\n")
    # the application's sections are only parsed, aliases and all
    assert load(tmp_path, BILLION_LAUGHS + "app: *h\nllm:\n  app_name: x\n") == {"app_name": "x"}


@pytest.mark.parametrize(
    "text",
    [
        "llm:\n  api_key: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "llm:\n  temperature: " + "{a: " * 50_000 + "1" + "}" * 50_000 + "\n",
        "app: " + "[" * 50_000 + "]" * 50_000 + "\nllm:\n  app_name: x\n",
    ],
    ids=["list under api_key", "mappings under temperature", "list in another section"],
)
def test_nesting_too_deep_for_python_is_a_configuration_error(tmp_path: Path, text: str) -> None:
    # it was a raw RecursionError from PyYAML's parser
    assert "nested too deeply" in error(tmp_path, text)


# -- values of variables are never echoed (F17) -------------------------------------------------

DB_PASSWORD = "db-password-not-a-real-secret"


@pytest.mark.parametrize(
    ("setting", "shown"),
    [
        ("temperature: ${AWS_SECRET_ACCESS_KEY}", "got '${AWS_SECRET_ACCESS_KEY}' (values of"),
        ("max_tokens: ${AWS_SECRET_ACCESS_KEY}", "got '${AWS_SECRET_ACCESS_KEY}' (values of"),
        ("timeout: ${AWS_SECRET_ACCESS_KEY}", "got '${AWS_SECRET_ACCESS_KEY}' (values of"),
        ("max_retries: x${AWS_SECRET_ACCESS_KEY}", "got 'x${AWS_SECRET_ACCESS_KEY}' (values of"),
        ("provider: ${AWS_SECRET_ACCESS_KEY}", "got '${AWS_SECRET_ACCESS_KEY}' (values of"),
        ("base_url: ${AWS_SECRET_ACCESS_KEY}", "got '${AWS_SECRET_ACCESS_KEY}'"),
        ("base_url: http://${AWS_SECRET_ACCESS_KEY}/v1", "base URL for '${AWS_SECRET_ACCESS_KEY}'"),
        ("temperature: ${AWS_SECRET_ACCESS_KEY:-0.5}0", "got '${AWS_SECRET_ACCESS_KEY:-0.5}0'"),
    ],
)
def test_a_bad_value_from_a_variable_shows_its_name_not_its_value(
    tmp_path: Path, setting: str, shown: str
) -> None:
    # The review's reproducer: the bad temperature printed the password it was read from.
    with pytest.raises(ConfigurationError) as info:
        load(tmp_path, f"llm:\n  api_key: x\n  {setting}\n", {"AWS_SECRET_ACCESS_KEY": DB_PASSWORD})
    assert_hidden(info.value, DB_PASSWORD)
    assert shown in str(info.value)


# -- a literal key in a file others can read or write (F18) -------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o644, 0o666, 0o640, 0o602, 0o620])
def test_a_literal_key_in_a_shared_file_warns(tmp_path: Path, mode: int) -> None:
    from openrouter_kit import Client  # noqa: PLC0415 - the warning points at this caller

    path = write(tmp_path, f"llm:\n  api_key: {CANARY}\n")
    path.chmod(mode)
    with pytest.warns(UserWarning, match="holds an API key written out") as caught:
        Client.from_settings(path).close()
    assert caught[0].filename == __file__  # it points at the call, not at the SDK
    message = str(caught[0].message)
    assert CANARY[:20] not in message
    assert f"(mode {mode:o})" in message
    assert "chmod 600" in message


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_private_file_or_a_key_from_the_environment_does_not_warn(tmp_path: Path) -> None:
    private = write(tmp_path, f"llm:\n  api_key: {CANARY}\n", "private.yaml")
    private.chmod(0o600)
    shared = write(tmp_path, "llm:\n  api_key: ${OPENROUTER_API_KEY}\n", "shared.yaml")
    shared.chmod(0o666)
    partly = write(tmp_path, "llm:\n  api_key: ${K:-}\n  app_name: x\n", "partly.yaml")
    partly.chmod(0o666)
    assert load_settings(private, environ={}) == {"api_key": CANARY}  # filterwarnings = error
    assert load_settings(shared, environ=ENV) == {"api_key": CANARY}
    with pytest.raises(ConfigurationError, match="api_key is empty"):
        load_settings(partly, environ={})


def test_a_default_model_with_a_space_is_refused_with_its_line(tmp_path: Path) -> None:
    message = error(tmp_path, "llm:\n  api_key: x\n  default_model: openai/gpt 4o\n")
    assert message.startswith(where(tmp_path, 3) + "llm.default_model: $.model must be a model id")


# -- rate_limit and store ------------------------------------------------------------------------
def test_rate_limit_is_a_mapping_of_the_rate_limit_fields(tmp_path: Path) -> None:
    text = (
        "llm:\n  rate_limit:\n    requests_per_minute: ${RPM:-60}\n    tokens_per_minute: null\n"
        "    per_model: true\n    on_limit: raise\n    max_wait: 5\n"
    )
    assert load(tmp_path, text) == {
        "rate_limit": RateLimit(
            requests_per_minute=60, per_model=True, on_limit="raise", max_wait=5.0
        )
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("rate_limit: 60", "llm.rate_limit: expected a mapping of requests_per_minute"),
        ("rate_limit:\n    rpm: 60", "llm.rate_limit: unknown key 'rpm'; known keys: max_wait"),
        ("rate_limit:\n    max_wait: 5", "llm.rate_limit: set requests_per_minute"),
        ("rate_limit:\n    requests_per_minute: 0", "requests_per_minute must be a whole number"),
        ("rate_limit:\n    requests_per_minute: lots", "llm.rate_limit: expected a mapping"),
        ("store: redis://x", "llm.store: expected a mapping with url (redis://...) and namespace"),
        ("store:\n    namespace: a", "llm.store: url is missing"),
        ("store:\n    url: http://x", "llm.store: url must start with redis://"),
        ("store:\n    url: redis://x\n    db: 2", "llm.store: unknown key 'db'"),
    ],
)
def test_bad_rate_limit_and_store_settings_name_the_field(
    tmp_path: Path, body: str, message: str
) -> None:
    assert message in error(tmp_path, f"llm:\n  {body}\n")


def test_store_builds_a_redis_store_lazily_from_its_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[tuple[str, str]] = []

    class FakeRedisStore:
        @classmethod
        def from_url(cls, url: str, *, namespace: str = "default") -> str:
            made.append((url, namespace))
            return "a store"

    monkeypatch.setattr(openrouter_kit, "RedisStore", FakeRedisStore, raising=False)
    text = "llm:\n  store:\n    url: ${REDIS_URL}\n    namespace: team-a\n"
    assert load(tmp_path, text, {"REDIS_URL": "redis://:secret@h:6379/0"}) == {"store": "a store"}
    assert made == [("redis://:secret@h:6379/0", "team-a")]
