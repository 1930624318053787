"""What the runner remembers per account under its home, beside the journals: small JSON files,
replaced atomically; the exchange stays the ledger and these only explain it."""
