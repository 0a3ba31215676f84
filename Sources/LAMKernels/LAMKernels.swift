// LAMKernels: see README, Layers.
