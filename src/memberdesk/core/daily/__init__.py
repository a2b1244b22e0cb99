"""The daily jobs: points expiry, tier review, lunar birthdays moved to the new year,
the automatic backup — each safe to run twice, each in short transactions. May
import any domain."""
