"""Alembic environment for the terminal's SQLite store.

The app passes its own connection (so pragmas and BEGIN handling are ours);
`render_as_batch` lets later migrations alter SQLite tables safely.
"""

from alembic import context

from memberdesk.core.store.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")

if connection is None:  # `alembic` CLI use by developers: -x db=PATH
    from memberdesk.core.store.connect import make_engine

    db = context.get_x_argument(as_dictionary=True).get("db", "memberdesk.sqlite")
    with make_engine(db).connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
