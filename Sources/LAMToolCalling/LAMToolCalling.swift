// LAMToolCalling: see README, Layers.
