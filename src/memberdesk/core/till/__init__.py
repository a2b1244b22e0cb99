"""The counter: checkout, refunds, stored value (top-up, cash-out, reversal), gifts for
points, shifts, what a receipt shows, member history, the sales journal (any sale by
receipt, day, amount, member or cashier), the dashboard, the day's totals (``totals``,
shared with sync and HQ) and the day-end report built on them. Imports the kernel,
``store``, ``shop``, ``loyalty`` and ``members``."""
