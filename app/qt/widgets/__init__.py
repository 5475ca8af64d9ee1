"""Widgets of the main window: thumbnails, photo with heatmap, histogram, review panel, model picker."""
