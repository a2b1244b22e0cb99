"""The product catalogue: items with their codes and barcodes, prices (a member price
too), category and the 不打折 and points flags (``catalogue``); barcodes and codes
cleaned and checked (``barcodes``); finding items by scan, name, pinyin or code
(``lookup``); what the till's one box was given — goods, a member or a price
(``scan``); import from a sheet with a dry run and export (``sheet``, ``transfer``).
Imports the kernel, ``store``, ``shop`` and ``members`` (search keys, the sheet
reader, the member lookup); never the till."""
