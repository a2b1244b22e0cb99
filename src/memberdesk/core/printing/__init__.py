"""Receipts and slips on thermal printers: pure layout of what the till's results say
(``layout``, ``slips``, ``documents``), ESC/POS bytes with our own Chinese encoding,
printer connections and settings, the print queue that keeps every document for a
reprint, and the day-end report on the slip and as an A4 PDF. Imports every domain up to
the till."""
