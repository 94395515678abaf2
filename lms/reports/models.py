"""What officer statistics store: populations, targets, residence history, rollups and logs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.db import utcnow
from lms.extensions import db

LEVELS = ("country", "province", "commune", "village", "unit")
GRAINS = ("d", "m")  # a day's deltas, and a month's (bucket = the month's first day)


class Population(db.Model):  # type: ignore[name-defined,misc]
    """How many people of a group live in a commune in a year: the denominator of attainment."""

    __tablename__ = "report_populations"
    __table_args__ = (
        UniqueConstraint("year", "commune_code", "learner_group"),
        CheckConstraint("population >= 0", name="population"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year"),
        Index("ix_report_populations_province_year", "province_code", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    province_code: Mapped[str] = mapped_column(String(2))
    commune_code: Mapped[str] = mapped_column(String(5))
    learner_group: Mapped[str] = mapped_column(ForeignKey("learner_groups.code"))
    population: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class TargetOverride(db.Model):  # type: ignore[name-defined,misc]
    """A commune's own target for a group and year, replacing the default of groups.yaml."""

    __tablename__ = "report_target_overrides"
    __table_args__ = (
        UniqueConstraint("year", "commune_code", "learner_group"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    province_code: Mapped[str] = mapped_column(String(2))
    commune_code: Mapped[str] = mapped_column(String(5), index=True)
    learner_group: Mapped[str] = mapped_column(ForeignKey("learner_groups.code"))
    percent: Mapped[float]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Placement(db.Model):  # type: ignore[name-defined,misc]
    """Where a learner lived (and in which group) from a moment on: the residence history.

    A learner who moved commune is counted where the placement in force at a period's end
    puts them."""

    __tablename__ = "learner_placements"
    __table_args__ = (Index("ix_learner_placements_user_started", "user_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    province_code: Mapped[str | None] = mapped_column(String(2))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    village_id: Mapped[int | None]
    unit_id: Mapped[int | None]
    learner_group: Mapped[str | None] = mapped_column(String(24))


class LearnerFacts(db.Model):  # type: ignore[name-defined,misc]
    """The facts a learner's contribution to the rollup was last computed from (to undo it)."""

    __tablename__ = "report_learner_facts"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)


class RollupCount(db.Model):  # type: ignore[name-defined,misc]
    """Changes of the counters of one place and group on one day (or month).

    A figure at the end of day D is the sum of the monthly rows before D's month plus the
    daily rows of D's month up to D: its cost grows with places × groups × months, never
    with learners or attempts."""

    __tablename__ = "report_counts"
    __table_args__ = (
        UniqueConstraint("level", "place_code", "learner_group", "grain", "bucket"),
        # Covering: a province's (or the country's) sums are read from the index alone, in
        # order, without visiting the table's rows (which at a million learners are not in cache).
        Index(
            "ix_report_counts_province",
            "level",
            "province_code",
            "grain",
            "bucket",
            "place_code",
            "learner_group",
            "registered",
            "active",
            "completed",
            "attained",
        ),
        Index("ix_report_counts_commune", "level", "commune_code", "grain", "bucket"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(8))
    place_code: Mapped[str] = mapped_column(String(12))
    province_code: Mapped[str | None] = mapped_column(String(2))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    learner_group: Mapped[str] = mapped_column(String(24))
    grain: Mapped[str] = mapped_column(String(1))
    bucket: Mapped[date] = mapped_column(Date)
    registered: Mapped[int] = mapped_column(default=0)
    active: Mapped[int] = mapped_column(default=0)
    completed: Mapped[int] = mapped_column(default=0)
    attained: Mapped[int] = mapped_column(default=0)


class DomainScore(db.Model):  # type: ignore[name-defined,misc]
    """Points earned and possible on questions of one competence domain, by place and day."""

    __tablename__ = "report_domain_scores"
    __table_args__ = (
        UniqueConstraint("level", "place_code", "learner_group", "domain_code", "grain", "bucket"),
        Index("ix_report_domain_scores_province", "level", "province_code", "grain", "bucket"),
        Index("ix_report_domain_scores_commune", "level", "commune_code", "grain", "bucket"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(8))
    place_code: Mapped[str] = mapped_column(String(12))
    province_code: Mapped[str | None] = mapped_column(String(2))
    commune_code: Mapped[str | None] = mapped_column(String(5))
    learner_group: Mapped[str] = mapped_column(String(24))
    domain_code: Mapped[str] = mapped_column(String(8))
    grain: Mapped[str] = mapped_column(String(1))
    bucket: Mapped[date] = mapped_column(Date)
    points: Mapped[float] = mapped_column(default=0.0)
    max_points: Mapped[float] = mapped_column(default=0.0)
    answers: Mapped[int] = mapped_column(default=0)


class ExportLog(db.Model):  # type: ignore[name-defined,misc]
    """Who exported which scope and period, how many rows, when, how."""

    __tablename__ = "report_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(254))
    scope: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(24))
    format: Mapped[str] = mapped_column(String(8))
    rows: Mapped[int]
    via: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class RefusalLog(db.Model):  # type: ignore[name-defined,misc]
    """A request for figures outside the requester's scope, refused with 403."""

    __tablename__ = "report_refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(254))
    requested: Mapped[str] = mapped_column(String(200))
    allowed: Mapped[str] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
