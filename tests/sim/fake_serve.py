"""The real `bitmart-runner` entry point with the fake engine injected, for subprocess tests.

python -m tests.sim.fake_serve sim serve --port 0
"""

from __future__ import annotations

from runner.cli import main
from runner.sim import facade
from tests.sim.fake_engine import FAKE_ENGINE

if __name__ == "__main__":
    facade.real_engine = lambda: FAKE_ENGINE
    main()
