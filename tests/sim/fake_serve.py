"""The real `bitmart-runner` entry point with the fake backend injected, for subprocess tests.

python -m tests.sim.fake_serve sim serve --port 0
"""

from __future__ import annotations

from runner.cli import main
from runner.sim import facade
from tests.sim.fake_backend import FAKE_BACKEND

if __name__ == "__main__":
    facade.real_backend = lambda: FAKE_BACKEND
    main()
