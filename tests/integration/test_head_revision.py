"""The schema revision a current file carries is a constant in core.store.migrate, so that opening
one needs no Alembic. The constant must name the newest migration: adding a migration
without updating it fails here."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from alembic.script import ScriptDirectory

from memberdesk.core.store.database import Store
from memberdesk.core.store.migrate import HEAD_REVISION, MIGRATIONS, alembic_config


def test_the_constant_is_the_newest_migration() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [HEAD_REVISION], (
        f"a migration was added: set core.store.migrate.HEAD_REVISION to {scripts.get_current_head()!r}"
    )
    newest = max(p.name for p in (MIGRATIONS / "versions").glob("[0-9]*.py"))
    assert newest.startswith(HEAD_REVISION + "_")


def test_opening_a_current_file_does_not_load_alembic(tmp_path: Path) -> None:
    db = tmp_path / "memberdesk.sqlite"
    Store(db).close()  # a new file: created by running every migration
    child = textwrap.dedent(
        f"""
        import json, sys
        from memberdesk.core.store.database import Store
        store = Store({str(db)!r})
        store.close()
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("alembic", "mako"))))
        """
    )
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []
