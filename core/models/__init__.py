"""Model files: what a saved detector holds, the header that describes a model without loading the engine, and
the library that keeps one model per inspection scenario with its versions (:mod:`core.models.library`)."""
