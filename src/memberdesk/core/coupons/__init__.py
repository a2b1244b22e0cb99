"""Coupons (代金券): signed codes any till verifies offline, issued by rules or by hand.

Imports the kernel, ``store``, ``shop`` and ``loyalty`` only: ``members`` issues the
joining coupon through it, and the till applies and redeems coupons (till/coupons.py).
"""
