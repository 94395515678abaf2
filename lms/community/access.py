"""Who a mentor follows: the one condition other areas (certificates) use for mentees.

A learner is a mentor's mentee while their link is active and the learner's consent to
"mentor_support" stands; withdrawing that consent ends the link too (listeners.py), and the
condition checks both, so neither alone can let a mentor see more."""

from __future__ import annotations

from sqlalchemy import Select, exists, select

from lms.accounts.models import ConsentRecord
from lms.community.models import MentorLink

MENTOR_PURPOSE = "mentor_support"


def active_mentee_ids(mentor_id: int) -> Select[tuple[int]]:
    """Return a select() of the ids of the learners a mentor may follow now."""
    consent = exists().where(
        ConsentRecord.user_id == MentorLink.learner_id,
        ConsentRecord.purpose == MENTOR_PURPOSE,
        ConsentRecord.withdrawn_at.is_(None),
    )
    return select(MentorLink.learner_id).where(
        MentorLink.mentor_id == mentor_id, MentorLink.status == "active", consent
    )
