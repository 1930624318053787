"""Simulator of the BitMart futures REST API: pure backend, HTTP server, in-process paper transport.

Written from the API facts, not from the runner's client: nothing here imports runner.exchange.
"""
