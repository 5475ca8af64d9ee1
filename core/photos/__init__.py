"""Photos on disk: decoding them (with one clear reason when a file cannot be used), batch folders and their
photo keys, dataset layouts for training and evaluation, and the check that a photo is still the one scored."""
