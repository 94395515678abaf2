"""Authoring: teachers write, preview and publish courses, lessons, quizzes and their media."""
