"""Programme-scale benchmarks of the portal (see benchmarks/README.md)."""
