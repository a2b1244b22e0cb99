"""Sync to head office: where to (``config``), why it stops (``errors``), what the
window shows (``status``), the pusher that drains the outbox (``pusher``), the wire
(``transport``) and the token in the OS keyring (``token_store``). Imports every
domain up to the till (for the day totals it reconciles)."""
