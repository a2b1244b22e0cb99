"""The terminal's SQLite file: connections and their pragmas (``connect``), the open
file (``database.Store``), migrations (``migrate``), the unit of work (``uow``), the
hot path's plain statements (``statements``), WAL checkpoints, online copies, the
tables (``models``), writers taking turns (``turns``) and SQLite's refusals in words a
person can act on (``failures``: a full disk, a file held or not writable). Imports only
the kernel."""
