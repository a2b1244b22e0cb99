"""The counter: checkout, refunds, stored value (top-up, cash-out, reversal), gifts for
points, shifts, what a receipt shows, member history, the dashboard and the day's
totals (``totals``, shared with sync and HQ). Imports the kernel, ``store``, ``shop``,
``loyalty`` and ``members``."""
