"""Scenario files: schema, loading with extends and --set, consistency checks."""
