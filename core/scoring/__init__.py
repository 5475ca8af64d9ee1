"""Scoring photos: the detector, scores and heatmaps per photo, the pass/alarm operating point, heatmap pictures
and files, whole batches scored into their review log, and the check that a batch resembles the training photos."""
