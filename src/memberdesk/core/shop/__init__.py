"""The shop itself: its details, identity and numbering counters (``details``), staff,
roles and PINs (``staff``), and its backups and restores (``backups``). Imports only
the kernel and ``store``."""
