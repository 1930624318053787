"""Each injected fault as a plain `requests` client sees it, and what the exchange did meanwhile."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests

from runner.sim.errors import ControlError
from runner.sim.server import SimServer
from tests.sim.fake_backend import FAKE_BACKEND
from tests.sim.helpers import SUBMIT, post_signed

ORDER = {"symbol": "BTCUSDT", "side": 1, "type": "market", "size": 1, "client_order_id": "f1"}


@pytest.fixture
def server(make_sim_server: Callable[..., SimServer]) -> SimServer:
    return make_sim_server(backend=FAKE_BACKEND)


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _submit(server: SimServer, http: requests.Session, **kwargs: float) -> requests.Response:
    return post_signed(http, server.url, SUBMIT, ORDER, server.credentials, **kwargs)


def _orders(server: SimServer) -> list[str]:
    return [order["client_order_id"] for order in server.state()["orders"]]


def test_drop_after_commit_commits_but_client_sees_a_cut(
    server: SimServer, http: requests.Session
) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "drop_after_commit"}])
    with pytest.raises(requests.ConnectionError):
        _submit(server, http)
    assert _orders(server) == ["f1"]
    entry = server.request_log()[-1]
    assert (entry.fault, entry.status, entry.write) == ("drop_after_commit", None, True)
    # The retry of the same client order id is refused by the exchange: the order exists.
    retry = _submit(server, http)
    assert retry.json()["code"] == 40050


def test_drop_before_commit_performs_nothing(server: SimServer, http: requests.Session) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "drop_before_commit"}])
    with pytest.raises(requests.ConnectionError):
        _submit(server, http)
    assert _orders(server) == []
    assert _submit(server, http).json()["code"] == 1000  # count 1: used up
    assert _orders(server) == ["f1"]


def test_http_500_is_not_json_and_not_performed(server: SimServer, http: requests.Session) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "http_500"}])
    response = _submit(server, http)
    assert response.status_code == 500
    with pytest.raises(requests.JSONDecodeError):
        response.json()
    assert _orders(server) == []


def test_http_429_has_envelope_and_headers(server: SimServer, http: requests.Session) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "http_429"}])
    response = _submit(server, http)
    assert response.status_code == 429
    assert response.json()["code"] == 30013
    assert response.headers["X-BM-RateLimit-Limit"] == "24"
    assert response.headers["X-BM-RateLimit-Remaining"] == "24"
    assert response.headers["X-BM-RateLimit-Reset"] == "2"
    assert _orders(server) == []


def test_cloudflare_403_is_an_html_page(server: SimServer, http: requests.Session) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "cloudflare_403"}])
    response = _submit(server, http)
    assert response.status_code == 403
    assert response.headers["Content-Type"].startswith("text/html")
    assert "Cloudflare" in response.text
    with pytest.raises(requests.JSONDecodeError):
        response.json()
    assert _orders(server) == []


def test_delay_answers_normally(server: SimServer, http: requests.Session) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "delay", "delay_ms": 20}])
    assert _submit(server, http).json()["code"] == 1000
    assert server.request_log()[-1].fault == "delay"


def test_delay_past_client_timeout_still_commits(server: SimServer, http: requests.Session) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "delay", "delay_ms": 60_000}])
    with pytest.raises(requests.ReadTimeout):
        _submit(server, http, timeout=0.2)
    # Stopping ends the injected sleep and joins the handler thread, which finishes the request.
    server.stop()
    assert _orders(server) == ["f1"]


def test_count_is_honoured(server: SimServer, http: requests.Session) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "http_500", "count": 2}])
    statuses = [_submit(server, http).status_code for _ in range(3)]
    assert statuses[:2] == [500, 500]
    assert statuses[2] == 200
    assert server.state()["faults"] == []


def test_faults_only_hit_their_path(server: SimServer, http: requests.Session) -> None:
    server.set_faults([{"path": "/system/time", "fault": "http_500"}])
    assert _submit(server, http).status_code == 200
    assert http.get(server.url + "/system/time", timeout=5).status_code == 500


def test_http_500_after_commit_performs_then_fails(
    server: SimServer, http: requests.Session
) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "http_500", "after_commit": True}])
    response = _submit(server, http)
    assert response.status_code == 500
    assert _orders(server) == ["f1"]
    entry = server.request_log()[-1]
    assert (entry.status, entry.fault, entry.client_order_id) == (500, "http_500", "f1")


def test_late_reply_commits_at_once_and_answers_after_the_client_gave_up(
    server: SimServer, http: requests.Session
) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "late_reply", "delay_ms": 60_000}])
    with pytest.raises(requests.ReadTimeout):
        _submit(server, http, timeout=0.2)
    assert _orders(server) == ["f1"]  # committed before the (late) answer, not after it
    server.stop()


def test_rewrite_field_changes_the_reply_not_the_exchange(
    server: SimServer, http: requests.Session
) -> None:
    server.set_faults(
        [{"path": SUBMIT, "fault": "rewrite_field", "field": "order_id", "value": -1}]
    )
    reply = _submit(server, http).json()
    assert reply["code"] == 1000 and reply["data"]["order_id"] == -1
    assert _orders(server) == ["f1"]


def test_raw_body_answers_any_text(server: SimServer, http: requests.Session) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    server.set_faults([{"path": SUBMIT, "fault": "raw_body", "body": deep}])
    response = _submit(server, http)
    assert response.status_code == 200 and response.text == deep
    assert _orders(server) == ["f1"]
    assert len(server.state()["request_log"]) == 1


def test_rate_headers_are_set_on_the_reply(server: SimServer, http: requests.Session) -> None:
    headers = {"X-BM-RateLimit-Remaining": "24", "X-BM-RateLimit-Reset": "1e9"}
    server.set_faults([{"path": SUBMIT, "fault": "rate_headers", "headers": headers}])
    response = _submit(server, http)
    assert response.headers["X-BM-RateLimit-Reset"] == "1e9"
    assert response.json()["code"] == 1000


def test_slow_drip_sends_each_byte_within_any_read_timeout(
    server: SimServer, http: requests.Session
) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "slow_drip", "delay_ms": 1}])
    response = _submit(server, http, timeout=5)
    assert response.json()["code"] == 1000
    assert server.request_log()[-1].fault == "slow_drip"


@pytest.mark.parametrize(
    "rule",
    [
        {"fault": "rewrite_field", "value": 1},
        {"fault": "raw_body"},
        {"fault": "rate_headers", "headers": {"Set-Cookie": "x"}},
        {"fault": "http_500", "body": "x"},
    ],
)
def test_hostile_fault_options_are_checked(server: SimServer, rule: dict[str, object]) -> None:
    with pytest.raises(ControlError):
        server.set_faults([{"path": SUBMIT, **rule}])


def test_reject_answers_a_definite_error_without_performing(
    server: SimServer, http: requests.Session
) -> None:
    server.set_faults([{"path": SUBMIT, "fault": "reject", "code": 40027}])
    response = _submit(server, http)
    assert response.status_code == 400 and response.json()["code"] == 40027
    assert _orders(server) == []
