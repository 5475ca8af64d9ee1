"""Dialogs: training a model, the reviewer's name, exporting the report, about."""
