"""The wire between a terminal and head office: protocol, day totals, HTTP transport.

Shared by both ends so the field names cannot drift: the terminal's pusher talks
through ``HttpTransport`` (httpx, bearer token, gzip JSON), HQ builds its answers
with ``DayTotals`` and the constants here. The transport only classifies what
happened (``Unreachable`` → retry later, ``Refused`` → HQ said no, with the
status and HQ's error code); what to do about it is the pusher's business.

The token is sent in a header and never logged, printed or kept in an exception.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import httpx

from ..i18n import N_

PROTOCOL_MIN = 1


PROTOCOL_MAX = 1


USER_AGENT = "memberdesk-terminal"


# HQ's defaults, announced in the handshake; the terminal never exceeds what HQ announces.
DEFAULT_MAX_EVENTS = 1000


DEFAULT_MAX_BYTES = 4 * 1024 * 1024  # uncompressed JSON of one batch


TENDERS = ("cash", "card", "wechat", "alipay", "wallet", "points")


POINTS_EARNED_KINDS = ("earn", "challenge", "referral", "signup")


POINTS_SPENT_KINDS = ("redeem", "gift")


@dataclass(frozen=True)
class DayTotals:
    """One business day of one store (or one terminal), as both ends count it.

    Money in fen. Sales are counted on their business date with their full total;
    refunds on the refund's own business date. `tenders` is what paid the day's
    sales, `refund_tenders` what went back (money by tender, stored value as
    "wallet"). Points: earned = earn/challenge/referral/signup entries, spent =
    redeem/gift entries (a positive number), other = the net of every other kind
    (refund reversals, expiry, adjustments …). Wallet in/out = the positive and
    negative sides of every stored-value entry (principal + bonus).
    """

    day: date
    sales_count: int = 0
    gross: int = 0
    refunds_count: int = 0
    refunds_amount: int = 0
    tenders: dict[str, int] = field(default_factory=dict)
    refund_tenders: dict[str, int] = field(default_factory=dict)
    points_earned: int = 0
    points_spent: int = 0
    points_other: int = 0
    wallet_in: int = 0
    wallet_out: int = 0
    new_members: int = 0

    @property
    def net(self) -> int:
        return self.gross - self.refunds_amount

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        data["net"] = self.net
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DayTotals:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["day"] = date.fromisoformat(str(data["day"]))
        known["tenders"] = {k: int(v) for k, v in (data.get("tenders") or {}).items() if v}
        known["refund_tenders"] = {
            k: int(v) for k, v in (data.get("refund_tenders") or {}).items() if v
        }
        return cls(**known)

    def differences(self, other: DayTotals) -> list[str]:
        """Field names whose values differ (empty when the two agree exactly)."""
        out = []
        for name in self.__dataclass_fields__:
            if name != "day" and getattr(self, name) != getattr(other, name):
                out.append(name)
        return out


# How each figure of a business day reads (a reconciliation names the ones that differ).
DAY_TOTAL_NAMES = {
    "sales_count": N_("number of sales"), "gross": N_("sales"),
    "refunds_count": N_("number of refunds"), "refunds_amount": N_("refunds"),
    "tenders": N_("takings by tender"), "refund_tenders": N_("refunds by tender"),
    "points_earned": N_("points earned"), "points_spent": N_("points spent"),
    "points_other": N_("other points changes"), "wallet_in": N_("stored value in"),
    "wallet_out": N_("stored value out"), "new_members": N_("new members"),
}  # fmt: skip


def clean_tenders(values: dict[str, int]) -> dict[str, int]:
    return {k: int(v) for k, v in sorted(values.items()) if v}


def event_json(
    seq: int, event_id: str, kind: str, aggregate_id: str, created_at: str, payload_json: str
) -> str:
    """One event of a batch, built around the payload's stored JSON text (no re-encoding)."""
    q = _quote
    return (
        f'{{"seq":{int(seq)},"event_id":{q(event_id)},"kind":{q(kind)},'
        f'"aggregate_id":{q(aggregate_id)},"created_at":{q(created_at)},"payload":{payload_json}}}'
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
    """No usable answer: network error, timeout, or a 5xx. Worth retrying later."""

    def __init__(self, what: str, status: int | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.status = status


class Refused(TransportError):
    """HQ answered and said no (4xx): `status`, HQ's error `code` and its JSON answer."""

    def __init__(self, status: int, code: str, answer: dict[str, Any]) -> None:
        super().__init__(f"HTTP {status} {code}")
        self.status = status
        self.code = code
        self.answer = answer


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
            raise Unreachable(f"timeout ({type(exc).__name__})") from None
        except httpx.TransportError as exc:
            raise Unreachable(f"network ({type(exc).__name__})") from None
        try:
            answer = response.json()
            if not isinstance(answer, dict):
                answer = {"answer": answer}
        except ValueError:
            answer = {}
        if response.status_code >= 500:
            raise Unreachable(f"HTTP {response.status_code}", response.status_code)
        if response.status_code >= 400:
            raise Refused(response.status_code, str(answer.get("error", "")), answer)
        if not answer:
            raise Unreachable(f"HTTP {response.status_code} without a JSON answer")
        return answer

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")

    def handshake(self, terminal_id: str, store_code: str, client_time: str) -> dict[str, Any]:
        return self._call(
            "POST",
            "/v1/handshake",
            headers=self._headers(),
            json={
                "terminal_id": terminal_id,
                "store_code": store_code,
                "protocol_min": PROTOCOL_MIN,
                "protocol_max": PROTOCOL_MAX,
                "client_time": client_time,
            },
        )

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
