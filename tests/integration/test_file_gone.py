"""The database file deleted or replaced under a running till: nothing more is acknowledged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from memberdesk.core.errors import DomainError
from memberdesk.core.shop.staff import Actor
from memberdesk.core.store.database import Store

from .loyalty_helpers import new_member, sell


@pytest.mark.parametrize("how", ["deleted", "replaced", "moved"])
def test_a_till_whose_file_went_away_saves_nothing_more_and_says_so(
    store: Store, owner: Actor, db_path: Path, tmp_path: Path, how: str
) -> None:
    member = new_member(store, owner)
    sell(store, owner, member.id, 1000)
    if how == "deleted":
        db_path.unlink()
    elif how == "replaced":  # a copy written over it (a new file under the same name)
        copy = tmp_path / "copy.sqlite"
        shutil.copyfile(db_path, copy)
        copy.replace(db_path)
    else:
        db_path.rename(tmp_path / "elsewhere.sqlite")
    for _ in range(3):  # and it stays refused: never one acknowledged then lost
        with pytest.raises(DomainError) as caught:
            sell(store, owner, member.id, 1000)
        assert caught.value.code == "store.file_gone"
        assert str(db_path) in caught.value.message("en")
    if how == "replaced":
        with Store(db_path) as again, again.read() as s:
            assert s.execute(text("SELECT count(*) FROM sales")).scalar() == 1
