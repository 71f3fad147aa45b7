"""Demo programs that behave like the Kubernaut services."""
