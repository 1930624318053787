"""Start-up: a run imports only the client parts it uses (every process pays for each import)."""

from __future__ import annotations

import subprocess
import sys


def test_the_client_does_not_import_the_affiliate_rows_until_they_are_read() -> None:
    probe = "import sys, runner.exchange; print('runner.exchange.affiliate' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
