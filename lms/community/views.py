"""Pages of mentors (Đại sứ số), of learners about their mentors, and of households."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms.accounts.constants import CONSENT_PURPOSES, GUARDIAN_RELATION_LABELS
from lms.accounts.forms import chosen_id, guardian_of
from lms.accounts.services import AccountError, NewAccount
from lms.community import households as hh
from lms.community import services
from lms.community.codes import grouped
from lms.community.forms import (
    ButtonForm,
    HouseholdForm,
    JoinForm,
    LinkRequestForm,
    MentorRegisterForm,
    SessionForm,
    SetUpHouseholdForm,
)
from lms.community.models import Household, MentorLink
from lms.community.services import CommunityError, NotYourMentee
from lms.core.errors import MESSAGES
from lms.core.security import roles_required
from lms.extensions import db, limiter

bp = Blueprint("community", __name__)


@bp.errorhandler(NotYourMentee)
def not_your_mentee(error: NotYourMentee) -> tuple[str, int]:
    """A mentor asked about someone they do not follow: 403 (logged by the audit trail)."""
    db.session.rollback()
    title, message = MESSAGES[403]
    return render_template("errors/error.html", code=403, title=title, message=message), 403


def _field_error(form: object, error: ValueError, field: str | None) -> None:
    target = getattr(form, field or "", None)
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, str(error)]
    else:
        form.form_errors.append(str(error))  # type: ignore[attr-defined]


# --- Mentors ------------------------------------------------------------------------------


@bp.route("/dai-su-so")
@roles_required("mentor")
def mentor_home() -> str:
    """The mentor's page: people followed and their progress, requests, what to do next."""
    return render_template(
        "community/mentor_home.html",
        mentees=services.mentees_of(current_user),
        pending=services.pending_requests_of(current_user),
        helped=services.helped_count(current_user),
        goal=services.MENTOR_GOAL,
        households=hh.households_set_up_by(current_user),
    )


@bp.route("/dai-su-so/dang-ky-ho", methods=["GET", "POST"])
@roles_required("mentor")
def register_person() -> str | tuple[str, int] | Response:
    """Register a person who is present, with their consent given in person."""
    form = MentorRegisterForm()
    if request.method == "GET":
        form.province_code.data = current_user.province_code or ""
        form.commune_code.data = current_user.commune_code or ""
    form.fill_place_choices()
    if form.picking_place:
        return render_template(
            "community/register_person.html", form=form, purposes=CONSENT_PURPOSES
        )
    if form.validate_on_submit():
        purposes = {p.code for p in CONSENT_PURPOSES if form[f"consent_{p.code}"].data}
        try:
            person = services.register_person(
                current_user,
                NewAccount(
                    full_name=form.full_name.data or "",
                    login=form.login.data or "",
                    password=form.password.data or "",
                    learner_group=form.learner_group.data,
                    birth_year=form.birth_year.data,
                    province_code=form.province_code.data,
                    commune_code=form.commune_code.data,
                    village_id=chosen_id(form.village_id.data),
                    unit_id=chosen_id(form.unit_id.data),
                ),
                purposes,
                guardian=guardian_of(form),
                national_id=form.national_id.data or "",
                attested=bool(form.attested.data),
            )
        except (AccountError, CommunityError) as error:
            db.session.rollback()
            field = error.field
            if field == "consent":
                field = "consent_account"
            _field_error(form, error, field)
        else:
            db.session.commit()
            flash(
                _(
                    "Đã tạo tài khoản cho %(name)s. Hãy in phiếu đồng ý, mời người đó ký và "
                    "giữ lại một bản.",
                    name=person.full_name,
                ),
                "success",
            )
            return redirect(url_for("community.consent_sheet", learner_id=person.id))
    status = 422 if form.is_submitted() and not form.picking_place else 200
    return render_template(
        "community/register_person.html", form=form, purposes=CONSENT_PURPOSES
    ), status


@bp.route("/dai-su-so/phieu-dong-y")
@roles_required("mentor")
def blank_consent_sheet() -> str:
    """A blank consent sheet, to read to a person before registering them."""
    return render_template(
        "community/consent_sheet.html",
        person=None,
        consents={},
        purposes=CONSENT_PURPOSES,
        relation_labels=GUARDIAN_RELATION_LABELS,
    )


@bp.route("/dai-su-so/nguoi-hoc/<int:learner_id>/phieu-dong-y")
@roles_required("mentor")
def consent_sheet(learner_id: int) -> str:
    """The printable consent sheet of a person the mentor registered."""
    person = services.consent_sheet_person(current_user, learner_id)
    consents = {c.purpose: c for c in person.consents if c.recorded_by_id == current_user.id}
    return render_template(
        "community/consent_sheet.html",
        person=person,
        consents=consents,
        purposes=CONSENT_PURPOSES,
        relation_labels=GUARDIAN_RELATION_LABELS,
    )


@bp.route("/dai-su-so/nguoi-hoc/<int:learner_id>")
@roles_required("mentor")
def mentee(learner_id: int) -> str:
    """One mentee's progress, certificates and sessions."""
    detail = services.mentee_detail(current_user, learner_id)
    return render_template("community/mentee.html", detail=detail, end_form=ButtonForm())


@bp.route("/dai-su-so/ket-noi", methods=["GET", "POST"])
@roles_required("mentor")
@limiter.limit("30 per hour", methods=["POST"], key_func=lambda: f"mentor-link:{current_user.id}")
def request_link() -> str | tuple[str, int] | Response:
    """Ask to follow a learner who already has an account (they accept in their account)."""
    form = LinkRequestForm()
    if form.validate_on_submit():
        try:
            services.request_link(current_user, form.login.data or "")
        except CommunityError as error:
            db.session.rollback()
            _field_error(form, error, error.field)
        else:
            db.session.commit()
            # The same words whether or not the account exists: nobody learns who is registered.
            flash(
                _(
                    "Nếu số điện thoại hoặc email này là của một người học, người đó sẽ thấy "
                    "đề nghị kết nối trong trang Tài khoản và tự quyết định."
                ),
                "info",
            )
            return redirect(url_for("community.mentor_home"))
    status = 422 if form.is_submitted() else 200
    return render_template("community/request_link.html", form=form), status


@bp.route("/dai-su-so/ket-noi/<int:link_id>/ket-thuc", methods=["POST"])
@roles_required("mentor")
def mentor_end_link(link_id: int) -> Response:
    """The mentor stops following someone."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        services.end_link(current_user, link_id)
    except LookupError:
        abort(404)
    db.session.commit()
    flash(_("Đã kết thúc kết nối."), "info")
    return redirect(url_for("community.mentor_home"))


@bp.route("/dai-su-so/buoi-huong-dan", methods=["GET", "POST"])
@roles_required("mentor")
def sessions() -> str | tuple[str, int] | Response:
    """Record a guided session; list the sessions recorded."""
    mentees = services.mentees_of(current_user)
    form = SessionForm()
    form.learners.choices = [(m.user.id, m.user.full_name) for m in mentees]
    if form.validate_on_submit():
        try:
            recorded = services.record_sessions(
                current_user,
                list(form.learners.data or []),
                form.held_on.data,
                form.topic.data or "",
                form.minutes.data,
            )
        except CommunityError as error:
            db.session.rollback()
            _field_error(form, error, error.field)
        else:
            db.session.commit()
            flash(_("Đã ghi buổi hướng dẫn cho %(n)d người.", n=len(recorded)), "success")
            return redirect(url_for("community.sessions"))
    elif form.is_submitted() and not form.learners.data:
        form.learners.errors = [_("Hãy chọn ít nhất một người được hướng dẫn.")]
    page = db.paginate(services.sessions_of_mentor(current_user), per_page=25, error_out=False)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "community/sessions.html", form=form, page=page, has_mentees=bool(mentees)
    ), status


@bp.route("/dai-su-so/gia-dinh", methods=["GET", "POST"])
@roles_required("mentor")
def mentor_households() -> str | tuple[str, int] | Response:
    """Set a household up with mentees; list the households set up."""
    mentees = services.mentees_of(current_user)
    form = SetUpHouseholdForm()
    form.members.choices = [(m.user.id, m.user.full_name) for m in mentees]
    if form.validate_on_submit():
        try:
            household = hh.set_up_household(
                current_user,
                form.name.data or "",
                list(form.members.data or []),
                bool(form.attested.data),
            )
        except CommunityError as error:
            db.session.rollback()
            _field_error(form, error, error.field)
        else:
            db.session.commit()
            flash(_("Đã lập hộ gia đình “%(name)s”.", name=household.name), "success")
            return redirect(url_for("community.household_page", household_id=household.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "community/mentor_households.html",
        form=form,
        households=hh.households_set_up_by(current_user),
        has_mentees=bool(mentees),
    ), status


# --- Learners and their mentors ------------------------------------------------------------


@bp.route("/tai-khoan/dai-su-so")
@login_required
def my_mentors() -> str:
    """A learner's mentors: requests to answer, current links to end, past ones, sessions."""
    return render_template(
        "community/my_mentors.html",
        links=services.links_for_learner(current_user),
        sessions=services.sessions_of_learner(current_user),
        form=ButtonForm(),
    )


@bp.route(
    "/tai-khoan/dai-su-so/<int:link_id>/<any('dong-y', 'tu-choi', 'ket-thuc'):action>",
    methods=["POST"],
)
@login_required
def answer_link(link_id: int, action: str) -> Response:
    """Accept or decline a mentor's request, or end a link."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        if action == "dong-y":
            services.accept_link(current_user, link_id)
            message = _("Đã kết nối. Đại sứ số có thể xem tiến độ học để hỗ trợ bạn.")
        elif action == "tu-choi":
            services.decline_link(current_user, link_id)
            message = _("Đã từ chối đề nghị kết nối.")
        else:
            link = db.session.get(MentorLink, link_id)
            if link is None or link.learner_id != current_user.id:
                abort(404)
            services.end_link(current_user, link_id)
            message = _("Đã kết thúc kết nối. Đại sứ số không còn xem được tiến độ của bạn.")
    except LookupError:
        db.session.rollback()
        abort(404)
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("community.my_mentors"))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("community.my_mentors"))


# --- Households ------------------------------------------------------------------------------


def _household_page(household: Household, **extra: object) -> str:
    return render_template(
        "community/household.html",
        household=household,
        members=hh.members_of(household),
        invites=hh.open_invites(household) if hh.may_manage(current_user, household) else [],
        manages=hh.may_manage(current_user, household),
        is_member=any(m.user_id == current_user.id for m in household.members),
        button=ButtonForm(formdata=None),
        grouped=grouped,
        **extra,
    )


@bp.route("/gia-dinh")
@login_required
def household() -> str | Response:
    """One's household ("Gia đình số"), or how to create or join one."""
    mine = hh.household_of(current_user)
    if mine is not None:
        return redirect(url_for("community.household_page", household_id=mine.id))
    return render_template(
        "community/household_start.html",
        create_form=HouseholdForm(formdata=None),
        join_form=JoinForm(formdata=None),
    )


@bp.route("/gia-dinh/tao", methods=["POST"])
@login_required
def create_household() -> tuple[str, int] | Response:
    """Create one's household."""
    form = HouseholdForm()
    if form.validate_on_submit():
        try:
            created = hh.create_household(current_user, form.name.data or "")
        except CommunityError as error:
            db.session.rollback()
            _field_error(form, error, error.field)
        else:
            db.session.commit()
            flash(_("Đã tạo hộ gia đình. Hãy tạo mã mời cho người thân."), "success")
            return redirect(url_for("community.household_page", household_id=created.id))
    return render_template(
        "community/household_start.html", create_form=form, join_form=JoinForm(formdata=None)
    ), 422


@bp.route("/gia-dinh/tham-gia", methods=["POST"])
@login_required
@limiter.limit(
    "20 per hour", methods=["POST"], key_func=lambda: f"household-join:{current_user.id}"
)
def join_household() -> tuple[str, int] | Response:
    """Join a household with a code."""
    form = JoinForm()
    if form.validate_on_submit():
        try:
            joined = hh.join_household(current_user, form.code.data or "")
        except CommunityError as error:
            db.session.rollback()
            _field_error(form, error, error.field)
        else:
            db.session.commit()
            flash(_("Bạn đã vào hộ “%(name)s”.", name=joined.name), "success")
            return redirect(url_for("community.household_page", household_id=joined.id))
    return render_template(
        "community/household_start.html", create_form=HouseholdForm(formdata=None), join_form=form
    ), 422


def _visible_household(household_id: int) -> Household:
    household = db.session.get(Household, household_id)
    if household is None:
        abort(404)
    if not hh.may_view(current_user, household):
        abort(403)
    return household


@bp.route("/gia-dinh/<int:household_id>")
@login_required
def household_page(household_id: int) -> str:
    """The household: its members and who has attained the standard."""
    return _household_page(_visible_household(household_id))


@bp.route("/gia-dinh/<int:household_id>/ma-moi", methods=["POST"])
@login_required
def new_invite(household_id: int) -> str | tuple[str, int] | Response:
    """Make a one-time invitation code."""
    household = _visible_household(household_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        invite = hh.create_invite(current_user, household)
    except PermissionError:
        db.session.rollback()
        abort(403)
    except CommunityError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("community.household_page", household_id=household.id))
    db.session.commit()
    flash(
        _(
            "Mã mời mới: %(code)s. Mã dùng được một lần, trong 7 ngày.",
            code=grouped(invite.code),
        ),
        "success",
    )
    return redirect(url_for("community.household_page", household_id=household.id))


@bp.route("/gia-dinh/roi", methods=["GET", "POST"])
@login_required
def leave_household() -> str | Response:
    """Leave one's household, after confirming."""
    mine = hh.household_of(current_user)
    if mine is None:
        return redirect(url_for("community.household"))
    form = ButtonForm()
    if form.validate_on_submit():
        hh.leave_household(current_user)
        db.session.commit()
        flash(_("Bạn đã rời hộ gia đình."), "info")
        return redirect(url_for("community.household"))
    return render_template("community/leave_household.html", household=mine, form=form)


@bp.route("/gia-dinh/<int:household_id>/thanh-vien/<int:user_id>/xoa", methods=["POST"])
@login_required
def remove_member(household_id: int, user_id: int) -> Response:
    """A manager (or the mentor who set it up) removes a member."""
    household = _visible_household(household_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    try:
        person = hh.remove_member(current_user, household, user_id)
    except PermissionError:
        db.session.rollback()
        abort(403)
    except LookupError:
        db.session.rollback()
        abort(404)
    db.session.commit()
    flash(_("Đã đưa %(name)s ra khỏi hộ.", name=person.full_name), "info")
    if db.session.get(Household, household_id) is None:
        return redirect(url_for("community.household"))
    return redirect(url_for("community.household_page", household_id=household_id))
