"""Model files: what a saved detector holds, and the header that describes a model without loading the engine."""
