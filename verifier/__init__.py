"""pantau-verify: checks an evidence bundle offline (depends only on core/ and cryptography)."""
