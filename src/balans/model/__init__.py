"""The LP of a region budget: constants, build, rules and their registry."""
