"""The terminal's SQLite file: connections and their pragmas (``connect``), the open
file (``database.Store``), migrations (``migrate``), the unit of work (``uow``), the
hot path's plain statements (``statements``), WAL checkpoints, online copies, and the
tables (``models``). Imports only the kernel."""
