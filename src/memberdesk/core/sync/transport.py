"""The wire between a terminal and head office: protocol, day totals, HTTP transport.

Shared by both ends so the field names cannot drift: the terminal's pusher talks
through ``HttpTransport`` (httpx, bearer token, gzip JSON), HQ answers with the
constants here and the day totals of ``core.till.totals``. The transport only classifies what
happened (``Unreachable`` → retry later, ``Refused`` → HQ said no, with the
status and HQ's error code); what to do about it is the pusher's business.

The token is sent in a header and never logged, printed or kept in an exception.
"""

from __future__ import annotations

import gzip
import json
import logging
import ssl
from datetime import date
from typing import Any
from urllib.parse import quote

import httpx

from ..i18n import N_, Message
from ..till.totals import DayTotals

log = logging.getLogger(__name__)

PROTOCOL_MIN = 1


PROTOCOL_MAX = 1


USER_AGENT = "memberdesk-terminal"


# HQ's defaults, announced in the handshake; the terminal never exceeds what HQ announces.
DEFAULT_MAX_EVENTS = 1000


DEFAULT_MAX_BYTES = 4 * 1024 * 1024  # uncompressed JSON of one batch


TENDERS = ("cash", "card", "wechat", "alipay", "wallet", "points")


def event_json(
    seq: int, event_id: str, kind: str, aggregate_id: str, created_at: str, payload_json: str,
    chain: str | None = None,
) -> str:  # fmt: skip
    """One event of a batch, built around the payload's stored JSON text (no re-encoding);
    `chain` is the journal's link, which HQ checks on arrival."""
    q = _quote
    link = f',"chain":{q(chain)}' if chain else ""
    return (
        f'{{"seq":{int(seq)},"event_id":{q(event_id)},"kind":{q(kind)},'
        f'"aggregate_id":{q(aggregate_id)},"created_at":{q(created_at)}{link},'
        f'"payload":{payload_json}}}'
    )


_quote = json.JSONEncoder(ensure_ascii=False).encode


def batch_body(batch_id: str, terminal_id: str, store_code: str, events: list[str]) -> bytes:
    """The gzip JSON body of a batch; byte-identical every time it is rebuilt from the same rows."""
    head = json.dumps(
        {
            "protocol": PROTOCOL_MAX,
            "batch_id": batch_id,
            "terminal_id": terminal_id,
            "store_code": store_code,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )
    text = head[:-1] + ',"events":[' + ",".join(events) + "]}"
    return gzip.compress(text.encode("utf-8"), compresslevel=5, mtime=0)


class TransportError(Exception):
    """Base of what the transport raises."""


class Unreachable(TransportError):
    """No usable answer: network error, timeout, or a 5xx. Worth retrying later. `what` is
    what a person reads of it (a Message: nothing answers at the address, no answer in
    time, HQ's server failed, an untrusted certificate), or a short technical cause;
    `timeout` tells that the answer did not come in time."""

    def __init__(
        self, what: str | Message, status: int | None = None, *, timeout: bool = False
    ) -> None:
        super().__init__(what)
        self.what = what
        self.status = status
        self.timeout = timeout


class Refused(TransportError):
    """HQ answered and said no (4xx): `status`, HQ's error `code` and its JSON answer."""

    def __init__(self, status: int, code: str, answer: dict[str, Any]) -> None:
        super().__init__(f"HTTP {status} {code}")
        self.status = status
        self.code = code
        self.answer = answer


# HQ behind TLS with a certificate of the chain's own authority (or a self-signed one) that
# this computer does not trust: no retry helps until it is trusted, so the till says how.
UNTRUSTED = N_(
    "this computer does not trust HQ's certificate ({reason}); if HQ's certificate is its "
    "own or its own authority's, set the environment variable SSL_CERT_FILE to that "
    "certificate's file (PEM) before starting memberdesk"
)
# Why no usable answer came, in the words of the person at the sync page (the technical
# cause, ConnectError and the like, goes to the log only).
NO_ANSWER = N_(
    "nothing answers at {url}: check the head office address and this computer's network"
)
TOO_SLOW = N_("{url} did not answer within {seconds} seconds")
SERVER_FAULT = N_("the head office server at {url} reported a fault (HTTP {status})")
ROUND_OVER = N_("this round of sending used up its time; the rest goes in the next round")
NOT_HQ = N_("{url} answered, but it is not a head office server: check the head office address")


def _certificate_refused(exc: BaseException) -> str | None:
    """Why TLS verification refused HQ's certificate, when that is what `exc` came from."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen.verify_message or "certificate verify failed"
        seen = seen.__cause__ or seen.__context__
    return None


class HttpTransport:
    """Talks to one HQ over HTTP(S) with one terminal's bearer token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._client = client or httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT})
        self._own_client = client is None
        self.timeout = timeout

    def __repr__(self) -> str:  # never the token
        return f"HttpTransport({self.base_url!r})"

    def close(self) -> None:
        if self._own_client:
            self._client.close()

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        headers.update(extra or {})
        return headers

    def _call(self, method: str, path: str, **kw: Any) -> dict[str, Any]:
        try:
            response = self._client.request(
                method, self.base_url + path, timeout=self.timeout, **kw
            )
        except httpx.TimeoutException as exc:
            log.info("HQ %s: %s", self.base_url, type(exc).__name__)
            raise Unreachable(Message(TOO_SLOW, url=self.base_url, seconds=round(self.timeout)),
                              timeout=True) from None  # fmt: skip
        except httpx.TransportError as exc:
            untrusted = _certificate_refused(exc)
            if untrusted is not None:
                raise Unreachable(Message(UNTRUSTED, reason=untrusted)) from None
            log.info("HQ %s: %s", self.base_url, type(exc).__name__)
            raise Unreachable(Message(NO_ANSWER, url=self.base_url)) from None
        try:
            answer = response.json()
            if not isinstance(answer, dict):
                answer = {"answer": answer}
        except ValueError:
            answer = {}
        status = response.status_code
        if status >= 500:
            raise Unreachable(Message(SERVER_FAULT, url=self.base_url, status=status), status)
        if status >= 400:
            raise Refused(status, str(answer.get("error", "")), answer)
        if not answer:  # a web page, not HQ's JSON
            log.info("HQ %s: HTTP %d without a JSON answer", self.base_url, status)
            raise Unreachable(Message(NOT_HQ, url=self.base_url))
        return answer

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")

    def handshake(
        self, terminal_id: str, store_code: str, client_time: str, **identity: str
    ) -> dict[str, Any]:
        """Say hello; `identity` adds what the till believes it is (terminal_code, card_prefix)."""
        return self._call(
            "POST",
            "/v1/handshake",
            headers=self._headers(),
            json={
                "terminal_id": terminal_id,
                "store_code": store_code,
                **identity,
                "protocol_min": PROTOCOL_MIN,
                "protocol_max": PROTOCOL_MAX,
                "client_time": client_time,
            },
        )

    def card_status(self, card_no: str) -> dict[str, Any]:
        """Whether a card number is in use anywhere in the chain (and at which store)."""
        return self._call("GET", f"/v1/cards/{quote(card_no, safe='')}", headers=self._headers())

    def coupon_status(self, serial: str) -> dict[str, Any]:
        """A coupon's uses at HQ that no refund gave back (core/sync/coupon_status.py)."""
        return self._call("GET", f"/v1/coupons/{quote(serial, safe='')}", headers=self._headers())

    def directory(self, after: str, limit: int, own: str = "") -> dict[str, Any]:
        """A page of the chain's member directory changed after the cursor (core/sync/pull.py);
        `own`: this till's records a restore took off its file ("12-40,57-57")."""
        params: dict[str, Any] = {"after": after, "limit": limit}
        if own:
            params["own"] = own
        return self._call("GET", "/v1/directory", headers=self._headers(), params=params)

    def find_member(
        self, *, card: str | None = None, phone: str | None = None, own: str = ""
    ) -> dict[str, Any]:
        """One member of the directory by card or phone; Refused 404 when HQ has none here."""
        # In the body, not the URL: a query string is written to every access log on the way.
        asked = {"card": card} if card else {"phone": phone or ""}
        if own:
            asked["own"] = own
        return self._call("POST", "/v1/directory/find", headers=self._headers(), json=asked)

    def send_batch(self, body: bytes) -> dict[str, Any]:
        return self._call(
            "POST",
            "/v1/batches",
            headers=self._headers({"Content-Type": "application/json", "Content-Encoding": "gzip"}),
            content=body,
        )

    def day_totals(self, store_code: str, day: date, terminal_id: str | None) -> DayTotals:
        params = {"day": day.isoformat()}
        if terminal_id:
            params["terminal"] = terminal_id
        answer = self._call(
            "GET", f"/v1/stores/{store_code}/totals", headers=self._headers(), params=params
        )
        return DayTotals.from_json(answer)
