"""`memberdesk check`: the file's integrity and every invariant — cached balances equal
the ledgers, every change has its outbox row, cards and search keys agree. Imports
``store`` and ``members``."""
