"""Pure torch model code of CSA-Flow: invertible parts, subnetworks, loss and anomaly maps (no training glue)."""
