"""`lms demo generate`: marked synthetic learners, a refusal on a real database, and a rollup
equal to what `lms stats rebuild` computes from the generated rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, text

from lms.accounts.models import User
from lms.extensions import db
from lms.reports.rollup import rebuild_rollup
from tests.lms.reports_fixtures import rollup_contents


def domain_contents() -> set[tuple]:
    rows = db.session.execute(
        text(
            "SELECT level, place_code, domain_code, bucket, ROUND(CAST(SUM(points) AS NUMERIC), 3), "
            "ROUND(CAST(SUM(max_points) AS NUMERIC), 3), SUM(answers) FROM report_domain_scores "
            "GROUP BY level, place_code, domain_code, bucket"
        )
    )
    return {tuple(str(v) for v in row) for row in rows}


def test_generated_rollup_equals_a_rebuild(app):
    from lms.reports.synthetic import generate_population

    with app.test_request_context():
        report = generate_population(300, seed=7, now=datetime(2026, 11, 1, tzinfo=UTC))
        assert report.learners == 300 and report.enrolments > 300 and report.attempts > 100
        assert 0 < report.attained < 300
        names = db.session.scalars(select(User.full_name)).all()
        assert all(n.startswith("[Mô phỏng]") for n in names)
        emails = db.session.scalars(select(User.email)).all()
        assert all(e.endswith("@synthetic.invalid") for e in emails)
        movers = db.session.scalar(
            text(
                "SELECT COUNT(*) FROM (SELECT user_id FROM learner_placements GROUP BY user_id HAVING COUNT(*) > 1) m"
            )
        )
        assert movers > 0
        populations = db.session.execute(
            text("SELECT year, commune_code, learner_group, population FROM report_populations")
        ).all()
        assert {row[0] for row in populations} == {2025, 2026}
        residents = db.session.execute(
            text(
                "SELECT commune_code, learner_group, COUNT(*) FROM users WHERE role = 'learner' "
                "GROUP BY commune_code, learner_group"
            )
        ).all()
        population = {(c, g): n for y, c, g, n in populations if y == 2026}
        assert all(population[(c, g)] >= n for c, g, n in residents)
        generated, generated_domains = rollup_contents(), domain_contents()
        rebuild_rollup(db.session.connection())
        assert rollup_contents() == generated
        assert domain_contents() == generated_domains
        db.session.commit()


def test_refuses_a_database_with_real_learners(app, make_user):
    make_user(login="that.real@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "generate", "--learners", "5"])
    assert result.exit_code == 1 and "người học thật" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 1
    result = runner.invoke(args=["demo", "generate", "--learners", "5", "--force"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 6
        assert "5 người học" in result.output


def test_generated_mentors_and_households_are_counted_as_a_count_by_hand_does(app):
    """The generator makes mentors (about one per 120 learners of a commune) and households;
    the officers' community figures, counted by the database, equal a count in Python over
    every row (the links accepted before the period's end, the attainments before it)."""
    from collections import defaultdict

    from lms.community.figures import household_rows, mentor_rows, mentor_totals
    from lms.community.models import Household, HouseholdMember, MentorLink
    from lms.completion.models import Attainment
    from lms.reports.periods import parse_period
    from lms.reports.scope import COUNTRY
    from lms.reports.synthetic import generate_population

    with app.test_request_context():
        report = generate_population(3000, seed=11, now=datetime(2026, 11, 1, tzinfo=UTC))
        assert report.mentors > 5 and report.mentor_links > report.mentors
        assert report.households > 300
        db.session.commit()
        for label in ("2026-Q2", "2026"):
            period = parse_period(label)
            end = period.end_utc()
            attained = {
                u
                for u, at in db.session.execute(select(Attainment.user_id, Attainment.attained_at))
                if at < end
            }
            helped = defaultdict(set)
            for link in db.session.scalars(select(MentorLink)):
                if link.accepted_at is not None and link.accepted_at < end:
                    helped[link.mentor_id].add(link.learner_id)
            mentors = mentor_rows(COUNTRY, period)
            assert len(mentors) == report.mentors
            assert {m.mentor_id: (m.helped, m.attained) for m in mentors} == {
                m.mentor_id: (len(helped[m.mentor_id]), len(helped[m.mentor_id] & attained))
                for m in mentors
            }
            assert sum(m.attained for m in mentors) > 0
            # The dashboards' totals, added up by the database, equal the rows added up here.
            for level, place in (("province", "province_code"), ("commune", "commune_code")):
                by_place = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
                for m in mentors:
                    line = by_place[getattr(m, place)]
                    for i, value in enumerate(
                        (1, m.meets_goal, m.helped, m.attained, m.sessions, m.minutes)
                    ):
                        line[i] += int(value)
                totals = mentor_totals(COUNTRY, period, level)
                assert {
                    t.place_code: [
                        t.mentors,
                        t.meeting_goal,
                        t.helped,
                        t.attained,
                        t.sessions,
                        t.minutes,
                    ]
                    for t in totals
                } == dict(by_place)
            members = defaultdict(set)
            for member in db.session.scalars(select(HouseholdMember)):
                members[member.household_id].add(member.user_id)
            by_commune = defaultdict(lambda: [0, 0, 0])
            for household in db.session.scalars(select(Household)):
                if household.created_at < end:
                    line = by_commune[household.commune_code]
                    line[0] += 1
                    line[1] += 1 if members[household.id] & attained else 0
                    line[2] += len(members[household.id])
            lines = household_rows(COUNTRY, period)
            assert {
                h.commune_code: [h.households, h.with_attained, h.members] for h in lines
            } == dict(by_commune)
