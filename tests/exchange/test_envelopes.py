"""Envelope variants the real exchange sent (issue 16): any content type, no data, any message
case, code as a number or a string."""

from __future__ import annotations

import pytest
import requests

from runner.exchange import errors as e
from runner.exchange.wire import interpret


def reply(status: int, body: bytes, content_type: str = "application/json") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body
    response.headers["Content-Type"] = content_type
    return response


def test_a_json_error_sent_as_text_plain_is_read_as_the_error() -> None:
    body = b'{"code":30010,"message":"IP is forbidden. We recommend enabling IP whitelist"}'
    with pytest.raises(e.IpForbidden):
        interpret(reply(403, body, "text/plain; charset=utf-8"), "/contract/private/assets-detail")


def test_a_text_plain_403_that_is_not_json_is_a_block_not_a_parse_error() -> None:
    with pytest.raises(e.CloudflareBlocked):
        interpret(reply(403, b"Forbidden", "text/plain"), "/contract/private/assets-detail")


@pytest.mark.parametrize("message", ["OK", "Ok", "ok", "success", "SUCCESS"])
def test_message_in_any_case_and_string_code(message: str) -> None:
    body = b'{"code":"1000","message":"%s","data":{"a":"1.5"}}' % message.encode()
    answer = interpret(reply(200, body), "/contract/public/details")
    assert answer.data == {"a": "1.5"}
    assert answer.trace == ""  # no trace key: tolerated


def test_no_code_but_success_message_is_success() -> None:
    answer = interpret(reply(200, b'{"message":"success","data":{"x":1}}'), "/p")
    assert answer.data == {"x": 1}


def test_no_code_and_no_success_message_is_a_protocol_error_naming_the_endpoint() -> None:
    with pytest.raises(e.ProtocolError, match="/p"):
        interpret(reply(200, b'{"message":"hello","data":{}}'), "/p")


def test_numbers_never_go_through_float() -> None:
    body = b'{"code":1000,"message":"Ok","data":{"v":0.1000000000000000055511151231257827}}'
    answer = interpret(reply(200, body), "/p")
    assert str(answer.data["v"]) == "0.1000000000000000055511151231257827"
