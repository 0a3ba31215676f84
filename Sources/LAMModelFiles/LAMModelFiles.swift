// LAMModelFiles: see README, Layers.
