"""Secrets are blanked as whole tokens only: a memo that is a common word survives in host names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.config import Credentials
from runner.exchange.transport import Redactor as TransportRedactor
from runner.execute.journal import Journal
from runner.redact import Redactor, redact

HOST_ERROR = "ConnectionError: cannot reach https://api-cloud-v2.bitmart.com/contract/private/x"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("memo=cloud&x=1", "memo=***&x=1"),
        ('{"memo": "cloud"}', '{"memo": "***"}'),
        ("the memo is cloud.", "the memo is ***."),
        ("cloud", "***"),
        ("(cloud)", "(***)"),
        ("ts#cloud#body", "ts#***#body"),
        ("memo:cloud\n", "memo:***\n"),
        # inside other words and names: left alone
        (HOST_ERROR, HOST_ERROR),
        ("demo-api-cloud-v2.bitmart.com", "demo-api-cloud-v2.bitmart.com"),
        ("cloud.example.org and x.cloud", "cloud.example.org and x.cloud"),
        ("cloudy clouds icloud cloud_9 9cloud", "cloudy clouds icloud cloud_9 9cloud"),
    ],
)
def test_a_common_word_memo_is_blanked_only_as_a_whole_token(text: str, expected: str) -> None:
    assert redact(text, ["cloud"]) == expected


def test_a_secret_with_punctuation_at_its_edges_is_still_found() -> None:
    assert redact("x!memo!y and [!memo!]", ["!memo!"]) == "x***y and [***]"


def test_a_value_containing_another_is_blanked_whole() -> None:
    assert redact("k=abc-def-ghi", ["abc", "abc-def-ghi"]) == "k=***"


def test_json_escaped_forms_are_blanked_too() -> None:
    secret = 'se"cr\\et'
    line = json.dumps({"detail": f"bad {secret}"})
    assert secret not in json.loads(Redactor([secret])(line))["detail"]
    assert "***" in Redactor([secret])(line)


def test_empty_and_short_values_are_ignored() -> None:
    assert redact("abc", [""]) == "abc"
    assert not Redactor(["abc"], min_length=4)
    assert Redactor(["abcd"], min_length=4)("x abcd y") == "x *** y"


def test_exchange_error_text_keeps_the_host_but_not_a_standalone_memo() -> None:
    creds = Credentials(key="AKEY0123456789TAIL", secret="s3cr3t-hex-0001", memo="cloud")
    clean = TransportRedactor(creds)
    assert clean(HOST_ERROR) == HOST_ERROR  # before the fix: api-***-v2.bitmart.com
    assert clean("signature for memo cloud rejected") == "signature for memo *** rejected"
    assert clean("secret s3cr3t-hex-0001 echoed") == "secret *** echoed"


def test_journal_keeps_host_names_and_blanks_whole_secrets(tmp_path: Path) -> None:
    with Journal.create(tmp_path, "acct", "r", redact=["cloud", "TOPSECRET-123"]) as journal:
        journal.record("request", url="https://api-cloud-v2.bitmart.com/x", memo="cloud")
        journal.record("oops", detail="key TOPSECRET-123 leaked")
        path = journal.path
    text = path.read_text("utf-8")
    assert "api-cloud-v2.bitmart.com" in text
    assert '"memo": "***"' in text and "TOPSECRET-123" not in text
