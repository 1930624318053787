from tests.simfixtures import make_sim_server, sim_server  # noqa: F401
