"""Example worlds that plug into the agent through the world contract (:mod:`env.interface`); see docs/worlds.md."""
