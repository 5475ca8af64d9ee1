"""Side-by-side benchmark of CSA-Flow against anomalib's CS-Flow and PatchCore on the same frozen features."""
