"""Training the flow on defect-free photos, calibrating its thresholds, and continuing training on the photos a
reviewer rejected as false alarms."""
