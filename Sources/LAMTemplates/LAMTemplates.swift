// LAMTemplates: see README, Layers.
