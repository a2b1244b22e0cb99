"""Receipts and slips on thermal printers: pure layout, ESC/POS bytes, connections, jobs."""
