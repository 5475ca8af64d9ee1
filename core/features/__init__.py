"""From photo to features: the frozen backbone, the multi-scale feature pyramid, the runtimes that run it on the
CPU, the cache of extracted features, and the device (GPU or CPU) the engine runs on."""
