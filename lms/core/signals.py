"""Signals that carry news upward between areas without imports pointing up."""

from blinker import Namespace

_signals = Namespace()

attempt_graded = _signals.signal("attempt-graded")
"""Sent with the graded QuizAttempt as sender, once per attempt, inside its transaction.

Completion and certificates listen: a passed required quiz may complete a course."""

lesson_completed = _signals.signal("lesson-completed")
"""Sent with the Enrolment as sender and lesson_slug=..., when a lesson is first marked done."""

course_completed = _signals.signal("course-completed")
"""Sent with the Enrolment as sender when a course becomes completed (certificates listen)."""

program_attained = _signals.signal("program-attained")
"""Sent with the Attainment as sender when a learner first attains their group's program."""

course_completion_withdrawn = _signals.signal("course-completion-withdrawn")
"""Sent with the Enrolment as sender when a completion is withdrawn (a regrade failed a quiz).

Certificates listen: the course's live certificate is revoked with the reason "regrade"."""

program_attainment_withdrawn = _signals.signal("program-attainment-withdrawn")
"""Sent with the Attainment as sender just before it is deleted (a program course is no longer
completed). Certificates listen: the program's live certificate is revoked ("regrade")."""

sign_in_failed = _signals.signal("sign-in-failed")
"""Sent with the User as sender when a wrong password is given for an existing account.

The audit trail listens (the typed password and identifier are never passed on)."""

consent_withdrawn = _signals.signal("consent-withdrawn")
"""Sent with the User as sender and purpose=<code> when the person withdraws a consent.

Community listens: withdrawing "mentor_support" ends every link with a mentor."""

name_corrected = _signals.signal("name-corrected")
"""Sent with the User as sender when the person corrects their own name.

Certificates listen: every live certificate is issued again under the corrected name, the
old code kept and pointing to the new one."""
