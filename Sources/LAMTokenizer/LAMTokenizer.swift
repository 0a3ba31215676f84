// LAMTokenizer: see README, Layers.
