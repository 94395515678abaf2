"""Figures against a hand-computed golden dataset: moved learners, revoked certificates, period
boundaries in Vietnam time, missing populations; the rollup kept by events equals a rebuild."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from lms.extensions import db
from lms.reports.figures import commune_figures, domain_figures, progress, scope_figures, totals_of
from lms.reports.models import Population, TargetOverride
from lms.reports.periods import PeriodError, local_today, parse_period
from lms.reports.rollup import rebuild_rollup
from lms.reports.scope import COUNTRY, commune_scope, province_scope
from tests.lms.reports_fixtures import (
    A,
    B,
    C,
    at,
    attain,
    complete,
    learner,
    move,
    revoke_program_certificate,
    rollup_contents,
)

TODAY = date(2026, 11, 22)


def build_golden(monkeypatch) -> dict[str, object]:
    """The dataset (times UTC; Vietnam is UTC+7):

    L1 citizen A: registered 10 Jan, completed a course 1 Feb, attained 15 Mar, active 20 Jun.
    L2 citizen A: registered 1 Feb, completed 5 Apr, attained 10 Apr, moved to B on 1 May.
    L3 student A: registered 30 Jun 16:30 UTC = 23:30 on 30 Jun in Vietnam (inside Q2).
    L4 student A: registered 30 Jun 17:30 UTC = 00:30 on 1 Jul in Vietnam (outside Q2).
    L5 citizen A: registered 1 Mar, completed 1 May, attained 5 May, program certificate revoked.
    L6 public servant C (another province): registered 1 Apr.
    L7 citizen B: registered 1 Dec 2025, last active 15 May 2026.
    Populations 2026: A citizen 100, A student 50, B citizen 200; A citizen target 90 %.
    """
    l1 = learner("citizen", A, "2026-01-10T03:00", "2026-06-20T03:00")
    complete(l1, "2026-02-01T03:00")
    attain(l1, "citizen", "2026-03-15T03:00")
    l2 = learner("citizen", A, "2026-02-01T03:00", "2026-05-02T03:00")
    complete(l2, "2026-04-05T03:00")
    attain(l2, "citizen", "2026-04-10T03:00")
    move(monkeypatch, l2, B, "2026-05-01T03:00")
    learner("student", A, "2026-06-30T16:30", "2026-06-30T16:30")
    learner("student", A, "2026-06-30T17:30", "2026-06-30T17:30")
    l5 = learner("citizen", A, "2026-03-01T03:00")
    complete(l5, "2026-05-01T03:00")
    attain(l5, "citizen", "2026-05-05T03:00")
    revoked = revoke_program_certificate(l5, "citizen", "2026-05-20T03:00")
    learner("public_servant", C, "2026-04-01T03:00")
    learner("citizen", B, "2025-12-01T03:00", "2026-05-15T03:00")
    for commune, group, value in ((A, "citizen", 100), (A, "student", 50), (B, "citizen", 200)):
        db.session.add(
            Population(
                year=2026,
                province_code="01",
                commune_code=commune,
                learner_group=group,
                population=value,
            )
        )
    db.session.add(
        TargetOverride(
            year=2026, province_code="01", commune_code=A, learner_group="citizen", percent=90
        )
    )
    db.session.flush()
    return {"revoked": revoked}


def by_group(rows, commune):
    return {r.learner_group: r for r in rows if r.place_code == commune}


def counts(row):
    c = row.counts
    return (c.registered, c.active, c.completed, c.attained)


def test_golden_quarter_two(app, monkeypatch):
    with app.test_request_context():
        info = build_golden(monkeypatch)
        rows = commune_figures(province_scope("01"), parse_period("2026-Q2"), today=TODAY)
        a, b = by_group(rows, A), by_group(rows, B)
        # L1 and L5 live in A (L2 moved away); only L1 is active in June; L5's certificate revoked.
        attained_a = 1 if info["revoked"] else 2
        assert counts(a["citizen"]) == (2, 1, 2, attained_a)
        assert a["citizen"].population == 100
        assert a["citizen"].attainment_percent == Decimal(attained_a)
        assert a["citizen"].target_percent == Decimal("90.0")  # the commune's own target
        assert a["citizen"].gap_percent == Decimal(90 - attained_a)
        # L3 registered at 23:30 on 30 June in Vietnam: inside Q2; L4 at 00:30 on 1 July: not.
        assert counts(a["student"]) == (1, 1, 0, 0)
        assert a["student"].attainment_percent == Decimal("0.0")
        assert a["student"].target_percent == Decimal("100.0")  # groups.yaml, 2026
        # No population entered: empty percentage and gap, never 0.
        assert a["public_servant"].population is None
        assert a["public_servant"].attainment_percent is None
        assert a["public_servant"].gap_percent is None
        # L2 moved to B and is counted there with their attainment; L7 was last active 15 May.
        assert counts(b["citizen"]) == (2, 0, 1, 1)
        assert b["citizen"].attainment_percent == Decimal("0.5")
        # C is in another province: not in the province's rows.
        assert {r.place_code for r in rows} >= {A, B} and C not in {r.place_code for r in rows}
        assert len(rows) == 126 * 4


def test_golden_quarter_one_counts_the_moved_learner_where_they_lived(app, monkeypatch):
    with app.test_request_context():
        build_golden(monkeypatch)
        a = by_group(commune_figures(commune_scope(A), parse_period("2026-Q1"), today=TODAY), A)
        # 31 March: L1, L2 (not moved yet) and L5 live in A; completed: L1; attained: L1.
        # Active means an activity from 2 to 31 March: L5 registered on 1 March, one day early.
        assert counts(a["citizen"]) == (3, 0, 1, 1)
        march_30 = parse_period("as_of=2026-03-30")
        a = by_group(commune_figures(commune_scope(A), march_30, today=TODAY), A)
        assert a["citizen"].counts.active == 1


def test_active_window_is_thirty_days_in_vietnam_time(app, monkeypatch):
    with app.test_request_context():
        build_golden(monkeypatch)
        for as_of, expected in (("2026-06-13", 1), ("2026-06-14", 0)):
            b = by_group(
                commune_figures(commune_scope(B), parse_period(f"as_of={as_of}"), today=TODAY), B
            )
            # L7's activity on 15 May counts up to 13 June (30 days); L2 was active on 2 May.
            l2_active = 0
            assert b["citizen"].counts.active == expected + l2_active


def test_scope_figures_roll_up_commune_province_country(app, monkeypatch):
    with app.test_request_context():
        info = build_golden(monkeypatch)
        q2 = parse_period("2026-Q2")
        province = {
            f.learner_group: f for f in scope_figures(province_scope("01"), q2, today=TODAY)
        }
        country = {f.learner_group: f for f in scope_figures(COUNTRY, q2, today=TODAY)}
        attained = 2 if info["revoked"] else 3
        assert counts(province["citizen"]) == (4, 1, 3, attained)
        assert counts(province["total"]) == (5, 2, 3, attained)
        assert counts(country["public_servant"]) == (1, 0, 0, 0)
        assert counts(country["total"]) == (6, 2, 3, attained)
        # Not every commune of Hà Nội has a population: the province's is unknown.
        assert province["citizen"].population is None
        assert province["citizen"].attainment_percent is None
        commune = {f.learner_group: f for f in scope_figures(commune_scope(A), q2, today=TODAY)}
        assert commune["total"].population is None  # public servants and workers unknown
        assert commune["citizen"].attainment_percent is not None


def test_totals_need_every_population(app, monkeypatch):
    with app.test_request_context():
        build_golden(monkeypatch)
        rows = commune_figures(commune_scope(A), parse_period("2026-Q2"), today=TODAY)
        assert totals_of(rows).population is None
        known = [r for r in rows if r.population is not None]
        total = totals_of(known)
        assert total.population == 150
        # (90 × 100 + 100 × 50) / 150 = 93.3
        assert total.target_percent == Decimal("93.3")


def test_rollup_kept_by_events_equals_a_rebuild(app, monkeypatch):
    with app.test_request_context():
        build_golden(monkeypatch)
        incremental = rollup_contents()
        assert incremental
        rebuild_rollup(db.session.connection())
        assert rollup_contents() == incremental


def test_withdrawn_attainment_and_erased_learner_leave_the_figures(app, monkeypatch):
    from lms.accounts.models import User
    from lms.completion.models import Attainment

    with app.test_request_context():
        info = build_golden(monkeypatch)
        q2 = parse_period("2026-Q2")
        record = db.session.scalar(
            db.select(Attainment).where(Attainment.attained_at == at("2026-03-15T03:00"))
        )
        db.session.delete(record)
        db.session.flush()
        a = by_group(commune_figures(commune_scope(A), q2, today=TODAY), A)
        assert a["citizen"].counts.attained == (0 if info["revoked"] else 1)
        db.session.delete(db.session.get(User, record.user_id))
        db.session.flush()
        a = by_group(commune_figures(commune_scope(A), q2, today=TODAY), A)
        assert a["citizen"].counts.registered == 1
        before = rollup_contents()
        rebuild_rollup(db.session.connection())
        assert rollup_contents() == before


def test_progress_over_quarters(app, monkeypatch):
    with app.test_request_context():
        build_golden(monkeypatch)
        points = progress(province_scope("01"), parse_period("2026-Q2"), quarters=3, today=TODAY)
        assert [p.day for p in points] == [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30)]
        assert [p.registered for p in points] == [1, 4, 5]  # L7; +L1, L2, L5; +L3


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("as_of=2026-02-28", date(2026, 1, 1), date(2026, 2, 28)),
    ],
)
def test_periods(text, first, last):
    period = parse_period(text)
    assert (period.first_day, period.last_day) == (first, last)


def test_period_ends_at_midnight_in_vietnam():
    assert parse_period("2026-Q2").end_utc() == at("2026-06-30T17:00")


@pytest.mark.parametrize("text", ["2026-Q5", "2026-H3", "26", "as_of=2026-02-30", "Q2-2026", ""])
def test_bad_periods_are_refused_in_vietnamese(app, text):
    with (
        app.test_request_context(),
        pytest.raises(PeriodError, match="không hợp lệ|không có trong lịch"),
    ):
        parse_period(text)


def test_weakest_domains_from_quiz_results(app, make_user):
    from lms.accounts.models import User
    from lms.catalog.models import Course
    from tests.lms.test_completion import take_quiz

    user_id = make_user()
    today = local_today()  # the quizzes are taken now: the figures are read as of today
    with app.test_request_context():
        user = db.session.get(User, user_id)
        course = db.session.scalar(
            db.select(Course).where(Course.slug == "lam-quen-dien-thoai-thong-minh")
        )
        take_quiz(user, course, right=False)
        db.session.commit()
        figures = domain_figures(commune_scope(A), parse_period(f"as_of={today}"), today=today)
        assert figures, "the course's quiz questions name competences"
        assert all(f.percent == Decimal("0.0") and f.answers > 0 for f in figures)
        take_quiz(user, course, right=True)
        db.session.commit()
        figures = domain_figures(commune_scope(A), parse_period(f"as_of={today}"), today=today)
        assert all(f.percent == Decimal("50.0") for f in figures)
        before = {(f.code, f.percent, f.answers) for f in figures}
        rebuild_rollup(db.session.connection())
        after = domain_figures(commune_scope(A), parse_period(f"as_of={today}"), today=today)
        assert {(f.code, f.percent, f.answers) for f in after} == before


def test_figures_follow_a_population_entered_in_the_same_request(app):
    from lms.reports.services import set_population

    with app.test_request_context():
        period = parse_period("2026")
        before = {f.learner_group: f for f in scope_figures(commune_scope(A), period, today=TODAY)}
        assert before["citizen"].population is None
        set_population(None, A, 2026, "citizen", 50)
        after = {f.learner_group: f for f in scope_figures(commune_scope(A), period, today=TODAY)}
        assert after["citizen"].population == 50


def test_domain_points_are_written_at_commit_and_dropped_on_rollback(app, make_user):
    """A graded attempt's domain points wait for the commit (so concurrent submissions hold
    the shared rows' locks only while committing); a rolled-back attempt leaves nothing,
    even when the session commits something else afterwards."""
    from lms.accounts.models import User
    from lms.catalog.models import Course
    from lms.reports.models import DomainScore
    from tests.lms.test_completion import take_quiz

    def answers() -> int:
        return db.session.scalar(db.select(db.func.coalesce(db.func.sum(DomainScore.answers), 0)))

    user_id = make_user()
    with app.test_request_context():
        user = db.session.get(User, user_id)
        course = db.session.scalar(
            db.select(Course).where(Course.slug == "lam-quen-dien-thoai-thong-minh")
        )
        take_quiz(user, course, right=False)
        assert answers() == 0  # graded, not yet committed
        db.session.rollback()
        user = db.session.get(User, user_id)
        user.last_active_at = user.last_active_at  # something else to commit
        db.session.commit()
        assert answers() == 0
        take_quiz(db.session.get(User, user_id), course, right=True)
        db.session.commit()
        assert answers() > 0
