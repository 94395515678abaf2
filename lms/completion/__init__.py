"""Completion: when a course is completed and when a learner attains the standard (one place)."""
