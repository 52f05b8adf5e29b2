"""``adam bench``: the paper's three tables (SHD; milestones on the original and the modified game),
regenerated on the simulator for several methods, variants and seeds, in parallel worker processes."""
