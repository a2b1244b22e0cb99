"""The demo shop: a realistic shop built through the real operations. May import any
domain."""
