"""Benchmarks of kubeknobs against kubectl on the same embedded cluster (not part of the test run)."""
