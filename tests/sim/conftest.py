from __future__ import annotations

from tests.simfixtures import make_sim_server, sdk_client, sim_server

__all__ = ["make_sim_server", "sdk_client", "sim_server"]
