"""`lms stats ...`: exports (DESIGN §6), rebuilding the rollup; `lms demo generate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.extensions import db

stats = click.Group(
    "stats", help="Thống kê phổ cập kỹ năng số: xuất số liệu, tính lại bảng tổng hợp."
)


@stats.command("export")
@click.option(
    "--period", "period_text", required=True, help="2026-Q2, 2026-H1, 2026 hoặc as_of=2026-05-31."
)
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), required=True)
@click.option("--commune", "commune_code", default=None, help="Mã xã/phường (5 chữ số).")
@click.option("--province", "province_code", default=None, help="Mã tỉnh (2 chữ số).")
@click.option(
    "--as",
    "as_login",
    default=None,
    help="Xuất với quyền của tài khoản này (email hoặc số điện thoại); bỏ trống: toàn quốc.",
)
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def stats_export(
    period_text: str,
    fmt: str,
    commune_code: str | None,
    province_code: str | None,
    as_login: str | None,
    out: Path,
) -> None:
    """Write the figures of every commune in scope for a period to FILE."""
    from lms.accounts.services import find_user, parse_login
    from lms.reports.periods import PeriodError, parse_period
    from lms.reports.scope import COUNTRY, ScopeRefused, UnknownPlace, commune_scope, province_scope
    from lms.reports.services import ReportError, export_figures

    try:
        period = parse_period(period_text)
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--period") from error
    viewer = None
    if as_login:
        login = parse_login(as_login)
        viewer = find_user(login) if login else None
        if viewer is None:
            raise click.ClickException(f"Không có tài khoản {as_login}.")
    try:
        if commune_code:
            scope = commune_scope(commune_code)
            if province_code and province_code != scope.province_code:
                raise click.ClickException("Xã/phường không thuộc tỉnh đã chọn.")
        elif province_code:
            scope = province_scope(province_code)
        else:
            scope = COUNTRY
        result = export_figures(
            viewer, scope, period, fmt, via="cli", path=" ".join(sys.argv[1:])[:500]
        )
    except UnknownPlace as error:
        raise click.ClickException(f"Mã địa bàn {error} không có trong danh mục 2025.") from error
    except ScopeRefused as error:
        db.session.commit()  # the refusal stays in the log
        click.echo(f"Từ chối: {error} nằm ngoài phạm vi của tài khoản.", err=True)
        sys.exit(3)
    except ReportError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    out.write_bytes(result.bytes())
    db.session.commit()
    click.echo(f"Đã ghi {result.rows} dòng ({period.label}, {scope.key}) vào {out}.")


@stats.command("rebuild")
@with_appcontext
def stats_rebuild() -> None:
    """Recompute every learner's facts and the rollup tables from scratch."""
    from lms.community.copies import refresh_all
    from lms.reports.rollup import rebuild_rollup

    report = rebuild_rollup(db.session.connection(), echo=click.echo)
    refresh_all(db.session.connection())  # households' and mentor links' figures copies
    db.session.commit()
    click.echo(
        f"Đã tính lại: {report.learners} người học, {report.count_rows} dòng tổng hợp, "
        f"{report.attempts} bài làm, {report.domain_rows} dòng theo lĩnh vực."
    )


@click.command("generate")
@click.option("--learners", type=click.IntRange(1, 5_000_000), required=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--force", is_flag=True, help="Cho phép thêm vào cơ sở dữ liệu đã có người học thật.")
@with_appcontext
def demo_generate(learners: int, seed: int, force: bool) -> None:
    """Generate a synthetic population (clearly marked) for demos and benchmarks."""
    from lms.reports.synthetic import SyntheticRefused, generate_population

    try:
        report = generate_population(learners, seed=seed, force=force, echo=click.echo)
    except SyntheticRefused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"Đã tạo {report.learners} người học mô phỏng ({report.enrolments} lượt ghi danh, "
        f"{report.attempts} bài làm, {report.attained} người đạt; {report.mentors} Đại sứ số "
        f"hỗ trợ {report.mentor_links} người, {report.households} hộ gia đình) "
        f"trong {report.seconds:.0f} giây."
    )
