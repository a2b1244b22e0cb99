"""The shop's whole logic and storage. Never imports Qt, the window or HQ.

Packages by domain, each allowed to import only those listed before it (a test
enforces it: ``tests/unit/test_layout.py``):

- the kernel, flat here: ``errors`` (refusals a person can act on), ``money`` (fen),
  ``clock`` (UTC storage, shop-local business dates), ``progress`` (stoppable long
  work), ``files`` (whole-or-nothing writes), ``text`` (what a name may hold; cells
  that never start a formula), ``pdf_fonts`` (the bundled CJK font), ``vault`` (secrets
  in the OS keyring);
- ``store``   the SQLite file: connections, migrations, the unit of work, tables;
- ``shop``    the shop itself: details and numbering, staff and PINs, backups;
- ``loyalty`` the program as data: rules, pricing, the points and wallet ledgers;
- ``coupons`` signed coupon codes, their keys, issuing them, their daily jobs;
- ``members`` members, cards, lookup, birthdays, import and export, card PDFs;
- ``till``    checkout, refunds, stored value, gifts, shifts, receipts, day totals;
- ``printing``, ``followups``, ``sync``, ``check`` on top of those (not of each other);
- ``daily`` and ``demo`` last: they drive everything else.

Every operation a person can do is a function taking plain arguments that runs in
ONE transaction (``Store.write()``) and returns a plain result.
"""
