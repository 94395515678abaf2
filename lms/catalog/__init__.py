"""Catalog: the framework, groups and programs, courses and lessons, content packages."""
