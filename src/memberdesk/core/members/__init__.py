"""Members: the member record and card lifecycle (``member``), card numbers, phones,
birthdays (lunar ones too), search keys and the counter's lookup, setting a tier by
hand, import (``sheet_files`` reads a sheet safely, ``import_columns`` its cells,
``import_check`` plans, ``import_export`` writes in chunks) and export of member
lists, and the card PDF. Imports the kernel, ``store``, ``shop`` and ``loyalty``; never
the till."""
