"""What the runner remembers per account under its home, beside the journals: small JSON files,
replaced atomically; the exchange stays the ledger and these only explain it.  Step records
(``store``, ``reconcile``, ``update``) are the memory of what each position step did
(see ``compiler.lifecycle``); ``plan_orders`` which plan order each plan_order step placed."""
