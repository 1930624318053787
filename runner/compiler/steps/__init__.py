"""One compiler per step kind: plan intent + working state -> actions, findings, prediction."""
