"""Reliability and security: faults, bad input, hostile text, secrets."""
