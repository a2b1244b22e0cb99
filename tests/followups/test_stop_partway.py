"""The call sheet PDF and the list export stop at a progress report and leave no file."""

from __future__ import annotations

from pathlib import Path

import pytest

from memberdesk.core.followups.calllog import export_list
from memberdesk.core.followups.callsheet_pdf import build_callsheet_pdf
from memberdesk.core.followups.lists import followup_list

from ..integration.test_stop_partway import Stop, stop_at


def test_a_stopped_call_sheet_leaves_no_pdf(shop, tmp_path: Path) -> None:
    store, fx, _ = shop
    fl = followup_list(store, "birthdays")
    folder = tmp_path / "out"
    progress = stop_at(1)
    with pytest.raises(Stop):
        build_callsheet_pdf(store, fx.owner, fl, folder / "sheet.pdf", progress=progress)
    _, (done, total) = progress.seen
    assert 0 < done < total  # the layout was under way
    assert list(folder.iterdir()) == []
    out = build_callsheet_pdf(store, fx.owner, fl, folder / "sheet.pdf", progress=stop_at(999))
    assert out.path.exists()


# openpyxl's write-only sheet, abandoned mid-row, complains when it is collected; the
# file it was writing is gone all the same, which is what is checked.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_stopped_list_export_leaves_no_file(shop, tmp_path: Path, suffix: str) -> None:
    store, fx, _ = shop
    fl = followup_list(store, "birthdays")
    folder = tmp_path / "out"
    progress = stop_at(1)  # the first report comes before any row, the second after the last
    with pytest.raises(Stop):
        export_list(store, fx.owner, fl, folder / f"list{suffix}", progress=progress)
    assert progress.seen[-1] == (len(fl.rows), len(fl.rows))
    assert list(folder.iterdir()) == []
