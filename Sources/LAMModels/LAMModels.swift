// LAMModels: see README, Layers.
