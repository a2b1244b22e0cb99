"""The loyalty program as data: the validated, versioned settings object and its
presets (``program``, ``presets``, ``program_store``), the rules and calendar that
price a sale (``rules``, ``calendar``, ``pricing``, ``redemption``), and the
append-only points and stored-value ledgers (``ledger``, ``points``). Imports the
kernel, ``store`` and ``shop``; never members or the till."""
