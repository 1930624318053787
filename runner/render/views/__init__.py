"""One view per kind of output document: validate, plan, apply, status, error, init, sim state.

Each module defines a ``View`` (``runner.render.reporter``) whose ``kind`` names both the JSON
document and its schema, ``schemas/output/<kind>.schema.json``.
"""
