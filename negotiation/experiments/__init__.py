"""Experiments: batches and sweeps on one machine or a cluster, sensitivity analysis, tournaments."""
