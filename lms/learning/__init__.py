"""Learning: enrolments, lesson progress, "Học tập của tôi"."""
