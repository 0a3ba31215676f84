// LAMJSON: see README, Layers.
