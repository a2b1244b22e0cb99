"""Alembic environment for HQ's database (PostgreSQL or SQLite).

HQ passes its own connection; developers can run `alembic` with -x url=URL.
The version table is `hq_alembic_version`, so an HQ schema never mistakes a
terminal's database for its own.
"""

from alembic import context

from memberdesk.hq.db import VERSION_TABLE
from memberdesk.hq.models import metadata

target_metadata = metadata
connection = context.config.attributes.get("connection")


def _run(conn) -> None:
    context.configure(
        connection=conn,
        target_metadata=target_metadata,
        version_table=VERSION_TABLE,
        render_as_batch=conn.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is None:  # developer use: alembic -x url=postgresql+psycopg://…
    from memberdesk.hq.db import make_engine

    url = context.get_x_argument(as_dictionary=True).get("url", "hq.sqlite")
    with make_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
else:
    _run(connection)
