"""What the main window does, one controller per concern: the engine, models, batches, scoring, the photo on
screen, review decisions, the pass and alarm lines, reports and help.

Each controller holds the state of its concern and reaches the shared parts (the open batch, the loaded model,
the widgets) through the window, which stays a thin shell that builds the widgets and wires them to these.
"""
