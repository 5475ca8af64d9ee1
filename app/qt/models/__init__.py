"""Qt item models over the inspector's plain records (photos of a batch, models of the library)."""
