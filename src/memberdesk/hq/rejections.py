"""Why HQ rejects one event: a code and its params, an English reason for logs.

A batch answer carries `code` and `params` for each rejected event; the till shows
them in its user's language. `reason` is the same sentence in English, for logs and
for tills that read only `reason`. `memberdesk-hq problems` shows it in --lang.
"""

from __future__ import annotations

from typing import Any

from ..core.i18n import N_, Message, translate

TEXTS = {
    "event_id_reused": N_(
        "event id {event_id} is already held from terminal {terminal_code} of store {store_code}"
    ),
    "event_id_twice": N_("event id {event_id} appears twice in this batch"),
    "record_reused": N_("{record} {id} is already recorded by another event"),
    "other_store": N_("{record} {id} belongs to store {store_code}"),
    "invalid": N_("invalid {field}: {problem}"),
    "unknown_kind": N_("unknown event kind {kind}"),
    "too_large": N_("payload too large for HQ ({bytes} bytes)"),
    "identity": N_("the record names store {store_code}, not this terminal's"),
}

PROBLEMS = {
    "missing": N_("missing"),
    "type": N_("wrong type or format"),
    "negative": N_("negative"),
    "too_small": N_("too small"),
    "too_large": N_("too large"),
    "too_long": N_("too long"),
    "unknown_kind": N_("unknown kind"),
    "unknown": N_("not held at HQ"),
    "sum": N_("does not add up"),
    "time_range": N_("time out of range"),
    "mismatch": N_("does not name the record the payload is about"),
    "control": N_("holds a control character or a hidden text-direction mark"),
    "line_break": N_("must be a single line"),
    "not_cleared": N_("still holds personal information that was to be erased"),
}

RECORDS = {
    "member": N_("member"),
    "sale": N_("sale"),
    "refund": N_("refund"),
    "points_entry": N_("points entry"),
    "wallet_entry": N_("stored-value entry"),
    "card": N_("card number"),
}


class Rejected(Exception):
    """One event cannot be accepted: `code` and `params` as the contract names them."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = {k: _storable(v) for k, v in params.items()}

    @property
    def reason(self) -> str:
        return describe(self.code, self.params, "en")


def _storable(value: Any) -> Any:
    """A param as a database column and a JSON answer keep it: a NUL or a lone surrogate (in
    a payload's key a param names, "tenders.\\ud800") as U+FFFD."""
    if type(value) is not str or (value.isascii() and "\x00" not in value):
        return value
    return "".join("\ufffd" if c == "\x00" or "\ud800" <= c <= "\udfff" else c for c in value)


def invalid(field: str, problem: str) -> Rejected:
    return Rejected("invalid", field=field, problem=problem)


def describe(code: str, params: dict[str, Any] | None, lang: str | None) -> str:
    """The rejection as a sentence in `lang` (its words — problem, record — translated too)."""
    params = dict(params or {})
    if code not in TEXTS:
        return code
    if params.get("problem") in PROBLEMS:
        params["problem"] = Message(PROBLEMS[params["problem"]])
    if params.get("record") in RECORDS:
        params["record"] = Message(RECORDS[params["record"]])
    return translate(TEXTS[code], lang, **params)
