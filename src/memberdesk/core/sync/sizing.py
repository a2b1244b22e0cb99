"""How many events the next batch carries: what HQ answers well within the timeout.

A till that has been offline for days sends its backlog in HQ's largest batches;
when HQ is busy, a large batch can take longer than the transport waits, and a
batch that times out is sent again and again. So the pusher times every batch and
sizes the next one to take about `share` of the timeout at the rate HQ just
showed (growing at most twofold a batch, never beyond HQ's limit); a batch that
timed out makes the next one a quarter of its size.
"""

from __future__ import annotations

from dataclasses import dataclass

SHARE = 0.25  # of the transport's timeout a batch should take


@dataclass
class BatchSizer:
    timeout: float  # seconds the transport waits for HQ's answer
    ceiling: int  # HQ's and the till's limit
    size: int = 0  # events in the next batch (0: the ceiling)
    share: float = SHARE

    def __post_init__(self) -> None:
        self.size = min(self.size or self.ceiling, self.ceiling)

    def limit(self, ceiling: int) -> int:
        """HQ's limit changed (a handshake, a 413): never above it."""
        self.ceiling = max(1, ceiling)
        self.size = max(1, min(self.size, self.ceiling))
        return self.size

    def answered(self, events: int, seconds: float) -> int:
        """A batch of `events` was answered in `seconds`: the size of the next one."""
        grown = max(events, self.size) * 2
        fit = int(events * self.timeout * self.share / seconds) if seconds > 0 else grown
        self.size = max(1, min(self.ceiling, fit, grown))
        return self.size

    def timed_out(self, events: int) -> int:
        """A batch of `events` got no answer in time: a quarter of it next."""
        self.size = max(1, min(self.size, events // 4))
        return self.size
