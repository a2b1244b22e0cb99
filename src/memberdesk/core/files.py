"""Writing a file so that it is either whole or not there.

Every file memberdesk hands to a person or keeps for later (exports, call sheets,
card sheets, backups) is written under a temporary sibling name and renamed over
the target only when complete: a crash, a cancel or a full disk never leaves a
half-written file under the real name, and an earlier file of that name survives
a failed write.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import DomainError

PART_SUFFIX = ".part"


def part_path(path: Path) -> Path:
    """The temporary name a file is written under before it is complete."""
    return path.with_name(path.name + PART_SUFFIX)


@contextmanager
def atomic_write(path: Path | str) -> Iterator[Path]:
    """Yield the temporary path to write; it replaces `path` when the block ends cleanly.

    Any exception (a cancel included) removes the temporary file and leaves `path` as
    it was. An OSError (no such folder, no permission, disk full) becomes
    ``export.write_failed`` naming the file and the reason.
    """
    path = Path(path)
    part = part_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        part.unlink(missing_ok=True)
        yield part
        os.replace(part, path)
    except OSError as exc:
        raise DomainError(
            "export.write_failed", path=str(path), reason=exc.strerror or str(exc)
        ) from exc
    finally:
        part.unlink(missing_ok=True)
