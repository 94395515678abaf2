"""Copies kept for the officers' figures: a household's member count and the moment its first
current member attained a program; a mentor link's learner's attainment moment.

The figures then read one index of households and one row per mentor link, with no join
(lms.community.figures). The copies are recomputed from their sources by the database, with
the one rule for a counted attainment (lms.reports.rollup.first_counted_attainment):

- after every flush that touches a membership, an attainment, a program certificate or a
  link (lms.community.listeners), for the households and links concerned;
- by the generator for what it writes, and by `lms stats rebuild` for everything."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, func, select, update

from lms.community.models import Household, HouseholdMember, MentorLink
from lms.reports.rollup import first_counted_attainment

CHUNK = 5_000


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def refresh_households(connection: Connection, household_ids: Iterable[int] | None) -> None:
    """Recompute the copies of these households (None: of every household)."""
    households = Household.__table__
    member = HouseholdMember.__table__.alias("copy_member")
    of_household = member.c.household_id == households.c.id
    statement = update(households).values(
        member_count=select(func.count()).where(of_household).scalar_subquery(),
        attained_at=select(func.min(first_counted_attainment(connection, member.c.user_id)))
        .where(of_household)
        .scalar_subquery(),
    )
    if household_ids is None:
        connection.execute(statement)
        return
    for ids in _chunks(household_ids):
        connection.execute(statement.where(households.c.id.in_(ids)))


def refresh_links(connection: Connection, learner_ids: Iterable[int] | None) -> None:
    """Recompute the copies of the links of these learners (None: of every link)."""
    links = MentorLink.__table__
    statement = update(links).values(
        learner_attained_at=first_counted_attainment(connection, links.c.learner_id)
    )
    if learner_ids is None:
        connection.execute(statement)
        return
    for ids in _chunks(learner_ids):
        connection.execute(statement.where(links.c.learner_id.in_(ids)))


def refresh_for_people(
    connection: Connection, user_ids: Iterable[int], household_ids: Iterable[int] = ()
) -> None:
    """Recompute what depends on these people's attainments, and on these households."""
    people = sorted(set(user_ids))
    households = set(household_ids)
    for ids in _chunks(people):
        households.update(
            connection.scalars(
                select(HouseholdMember.household_id).where(HouseholdMember.user_id.in_(ids))
            )
        )
    if households:
        refresh_households(connection, households)
    if people:
        refresh_links(connection, people)


def refresh_all(connection: Connection) -> None:
    """Recompute every copy (`lms stats rebuild`)."""
    refresh_households(connection, None)
    refresh_links(connection, None)
