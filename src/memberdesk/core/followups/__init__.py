"""The owner's follow-up work: the lists (birthdays, dormant, new members, large
purchases, regulars visiting less), the spend windows they are judged on, the call
log, SMS texts and the A4 call sheet. Imports every domain up to ``members``."""
