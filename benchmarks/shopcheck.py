"""`memberdesk check` on a generated shop: core's checks plus the ledger invariants.

core.check.run_checks does not run core.check_ledgers.LEDGER_CHECKS yet; until the
two are merged the benchmark runs both (and each only once after they are).
"""

from __future__ import annotations

from memberdesk.core.check.checks import CHECKS, run_checks
from memberdesk.core.store.database import Store

try:
    from memberdesk.core.check.ledgers import LEDGER_CHECKS
except ImportError:  # merged into core.check under another name
    LEDGER_CHECKS = []


def full_check(store: Store) -> tuple[list[str], list[str]]:
    """(problems, names of the checks run); no problems means the file passes."""
    report = run_checks(store)
    problems, names = list(report.problems), list(report.checks_run)
    extra = [c for c in LEDGER_CHECKS if c not in CHECKS and c.__name__ not in names]
    with store.read() as s:
        for check in extra:
            names.append(check.__name__)
            problems.extend(check(s))
    return problems, names
