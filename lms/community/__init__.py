"""Digital ambassadors (mentors) and the people they help, guided sessions, and households."""
