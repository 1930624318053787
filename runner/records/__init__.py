"""The durable memory of what each target step did on an account (see ``compiler.lifecycle``)."""
