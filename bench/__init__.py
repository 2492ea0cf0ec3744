"""Delivery benchmarks (`python -m bench.broadcast`, `.latency`, `.throughput`) and the
harness they share (`bench.stack`, `bench.world`); see bench/README.md."""
