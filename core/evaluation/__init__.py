"""Measuring a detector on labelled photos: the paper's image and pixel metrics and the evaluation of a category."""
