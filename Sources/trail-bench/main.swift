// trail-bench: corpus generator and benchmark driver (see BENCHMARKS.md).
print("usage: trail-bench generate|run (not yet written)")
