"""Quizzes: attempts with server-kept order and time, answers saved as the learner goes, grading."""
