"""Coupons (代金券): signed codes any till verifies offline, issued by rules or by hand."""
