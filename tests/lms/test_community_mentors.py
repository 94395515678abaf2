"""Mentors (Đại sứ số): registering a person in person, linking with agreement, following
progress and certificates, guided sessions, and the learner's side of the link."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from lms.accounts.models import ConsentRecord, User
from lms.audit.models import AuditEntry
from lms.community.models import GuidedSession, MentorLink
from lms.extensions import db
from tests.conftest import csrf_token
from tests.lms.community_helpers import mentor_registers, switch_to, user_by_login


def _mentor(make_user, login, name="Hà Văn Sơn", **fields) -> int:
    mentor_id = make_user(role="mentor", login="son@example.com", full_name=name, **fields)
    login("son@example.com")
    return mentor_id


def _links(app) -> list[MentorLink]:
    with app.app_context():
        rows = list(db.session.scalars(select(MentorLink).order_by(MentorLink.id)))
        db.session.expunge_all()
        return rows


def test_only_mentors_open_the_mentor_pages(app, make_user, client, login):
    make_user(login="hoa@example.com")
    login("hoa@example.com")
    for path in (
        "/dai-su-so",
        "/dai-su-so/dang-ky-ho",
        "/dai-su-so/ket-noi",
        "/dai-su-so/buoi-huong-dan",
        "/dai-su-so/gia-dinh",
        "/dai-su-so/phieu-dong-y",
    ):
        assert client.get(path).status_code == 403, path


def test_a_mentor_registers_a_person_with_consent_recorded_in_person(app, make_user, client, login):
    mentor_id = _mentor(make_user, login)
    form = client.get("/dai-su-so/dang-ky-ho").get_data(as_text=True)
    assert '<option selected value="00070">' in form  # the mentor's commune is the default
    response = mentor_registers(client)
    assert response.status_code == 302
    person = user_by_login(app, phone="+84912000001")
    assert response.headers["Location"].endswith(f"/dai-su-so/nguoi-hoc/{person.id}/phieu-dong-y")
    assert person.role == "learner" and person.full_name == "Lò Thị Mai"
    with app.app_context():
        consents = db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.user_id == person.id)
        ).all()
        assert {(c.purpose, c.recorded_by_id) for c in consents} == {
            ("account", mentor_id),
            ("mentor_support", mentor_id),
        }
        actions = set(
            db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == person.id))
        )
    assert {"account.created", "consent.given", "mentor.registered"} <= actions
    [link] = _links(app)
    assert (link.mentor_id, link.learner_id, link.status, link.origin) == (
        mentor_id,
        person.id,
        "active",
        "registered",
    )
    # The person signs in with the password they chose.
    switch_to(client, login, "0912000001", "mat-khau-cua-mai")
    assert client.get("/hoc-tap-cua-toi").status_code == 200


def test_the_consent_sheet_is_printable_and_names_the_person_and_choices(
    app, make_user, client, login
):
    _mentor(make_user, login)
    mentor_registers(client, consent_reminders="y")
    person = user_by_login(app, phone="+84912000001")
    response = client.get(f"/dai-su-so/nguoi-hoc/{person.id}/phieu-dong-y")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "PHIẾU ĐỒNG Ý XỬ LÝ DỮ LIỆU CÁ NHÂN" in html and "Lò Thị Mai" in html
    assert html.count("☒ Đồng ý") == 3 and "☒ Không đồng ý" not in html
    assert "Hà Văn Sơn" in html and "js/print.js" in html and "<script>" not in html
    blank = client.get("/dai-su-so/phieu-dong-y").get_data(as_text=True)
    assert "☒" not in blank and blank.count("☐ Đồng ý") == 3


def test_a_mentor_cannot_print_someone_elses_consent_sheet(app, make_user, client, login):
    other = make_user(login="hoa@example.com")
    _mentor(make_user, login)
    assert client.get(f"/dai-su-so/nguoi-hoc/{other}/phieu-dong-y").status_code == 403
    assert client.get(f"/dai-su-so/nguoi-hoc/{other}").status_code == 403


def test_registration_needs_the_mentors_attestation_and_the_mentor_support_consent(
    app, make_user, client, login
):
    _mentor(make_user, login)
    response = mentor_registers(client, attested=None)
    assert response.status_code == 422
    assert "đã nghe đọc phiếu đồng ý" in response.get_data(as_text=True)
    response = mentor_registers(client, consent_mentor_support=None)
    assert response.status_code == 422
    assert "cần đồng ý cho Đại sứ số theo dõi tiến độ" in response.get_data(as_text=True)
    response = mentor_registers(client, consent_account=None)
    assert response.status_code == 422
    assert "Cần đồng ý với điều khoản bắt buộc" in response.get_data(as_text=True)
    assert user_by_login(app, phone="+84912000001") is None


def test_a_minor_is_registered_only_with_a_guardian(app, make_user, client, login):
    _mentor(make_user, login)
    young = {"birth_year": "2013", "learner_group": "student"}
    response = mentor_registers(client, **young)
    assert response.status_code == 422
    assert "cần cha, mẹ hoặc người giám hộ cùng đồng ý" in response.get_data(as_text=True)
    response = mentor_registers(
        client, guardian_name="Lò Văn Páo", guardian_relation="father", **young
    )
    assert response.status_code == 302
    person = user_by_login(app, phone="+84912000001")
    html = client.get(f"/dai-su-so/nguoi-hoc/{person.id}/phieu-dong-y").get_data(as_text=True)
    assert "Lò Văn Páo" in html and "Bố" in html


def test_linking_an_existing_learner_needs_their_agreement(app, make_user, client, login):
    learner = make_user(login="hoa@example.com", full_name="Lê Thị Hoa")
    mentor_id = _mentor(make_user, login)
    token = csrf_token(client, "/dai-su-so/ket-noi")
    response = client.post(
        "/dai-su-so/ket-noi", data={"login": "hoa@example.com", "csrf_token": token}
    )
    assert response.status_code == 302
    [link] = _links(app)
    assert (link.status, link.learner_id) == ("pending", learner)
    assert client.get(f"/dai-su-so/nguoi-hoc/{learner}").status_code == 403  # not yet
    # Asking again does not make a second request.
    client.post("/dai-su-so/ket-noi", data={"login": "hoa@example.com", "csrf_token": token})
    assert len(_links(app)) == 1

    switch_to(client, login, "hoa@example.com")
    page = client.get("/tai-khoan/dai-su-so").get_data(as_text=True)
    assert "Hà Văn Sơn (Đại sứ số) muốn kết nối" in page
    token = csrf_token(client, "/tai-khoan/dai-su-so")
    response = client.post(f"/tai-khoan/dai-su-so/{link.id}/dong-y", data={"csrf_token": token})
    assert response.status_code == 302
    [link] = _links(app)
    assert link.status == "active" and link.accepted_at is not None
    with app.app_context():
        assert db.session.scalar(
            select(ConsentRecord.id).where(
                ConsentRecord.user_id == learner,
                ConsentRecord.purpose == "mentor_support",
                ConsentRecord.withdrawn_at.is_(None),
            )
        )
    switch_to(client, login, "son@example.com")
    page = client.get(f"/dai-su-so/nguoi-hoc/{learner}")
    assert page.status_code == 200 and "Lê Thị Hoa" in page.get_data(as_text=True)
    assert "Lê Thị Hoa" in client.get("/dai-su-so").get_data(as_text=True)
    assert mentor_id


def test_a_request_for_an_unknown_login_looks_the_same_and_creates_nothing(
    app, make_user, client, login
):
    make_user(login="hoa@example.com")
    _mentor(make_user, login)
    token = csrf_token(client, "/dai-su-so/ket-noi")
    known = client.post(
        "/dai-su-so/ket-noi",
        data={"login": "hoa@example.com", "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    unknown = client.post(
        "/dai-su-so/ket-noi",
        data={"login": "ai-do@example.com", "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    message = "Nếu số điện thoại hoặc email này là của một người học"
    assert message in known and message in unknown
    assert len(_links(app)) == 1
    bad = client.post("/dai-su-so/ket-noi", data={"login": "khong phai", "csrf_token": token})
    assert bad.status_code == 422


def test_a_learner_declines_or_ends_a_link_and_the_mentor_loses_access(
    app, make_user, client, login
):
    learner = make_user(login="hoa@example.com")
    _mentor(make_user, login)
    mentor_registers(client)
    person = user_by_login(app, phone="+84912000001")
    token = csrf_token(client, "/dai-su-so/ket-noi")
    client.post("/dai-su-so/ket-noi", data={"login": "hoa@example.com", "csrf_token": token})
    registered, pending = _links(app)

    switch_to(client, login, "hoa@example.com")
    token = csrf_token(client, "/tai-khoan/dai-su-so")
    client.post(f"/tai-khoan/dai-su-so/{pending.id}/tu-choi", data={"csrf_token": token})
    assert _links(app)[1].status == "declined"
    # Someone else's link cannot be touched.
    assert (
        client.post(
            f"/tai-khoan/dai-su-so/{registered.id}/ket-thuc", data={"csrf_token": token}
        ).status_code
        == 404
    )

    switch_to(client, login, "0912000001", "mat-khau-cua-mai")
    token = csrf_token(client, "/tai-khoan/dai-su-so")
    assert "Hà Văn Sơn" in client.get("/tai-khoan/dai-su-so").get_data(as_text=True)
    client.post(f"/tai-khoan/dai-su-so/{registered.id}/ket-thuc", data={"csrf_token": token})
    link = _links(app)[0]
    assert (link.status, link.ended_reason) == ("ended", "learner")

    switch_to(client, login, "son@example.com")
    assert client.get(f"/dai-su-so/nguoi-hoc/{person.id}").status_code == 403
    assert learner


def test_withdrawing_the_mentor_support_consent_ends_the_links(app, make_user, client, login):
    _mentor(make_user, login)
    mentor_registers(client)
    person = user_by_login(app, phone="+84912000001")
    switch_to(client, login, "0912000001", "mat-khau-cua-mai")
    token = csrf_token(client, "/tai-khoan")
    response = client.post(
        "/tai-khoan/dong-y",
        data={"purpose": "mentor_support", "action": "withdraw", "csrf_token": token},
    )
    assert response.status_code == 302
    [link] = _links(app)
    assert (link.status, link.ended_reason) == ("ended", "consent_withdrawn")
    switch_to(client, login, "son@example.com")
    assert client.get(f"/dai-su-so/nguoi-hoc/{person.id}").status_code == 403
    with app.app_context():
        refused = db.session.scalar(
            select(AuditEntry)
            .where(AuditEntry.action == "access.refused")
            .order_by(AuditEntry.id.desc())
        )
        assert refused.details["path"] == f"/dai-su-so/nguoi-hoc/{person.id}"


def test_an_active_link_without_the_consent_gives_no_access(app, make_user, client, login):
    """The condition checks the consent too, whatever state a link is left in."""
    _mentor(make_user, login)
    mentor_registers(client)
    person = user_by_login(app, phone="+84912000001")
    with app.app_context():
        db.session.execute(
            ConsentRecord.__table__.update()
            .where(ConsentRecord.user_id == person.id, ConsentRecord.purpose == "mentor_support")
            .values(withdrawn_at=db.func.current_timestamp())
        )
        db.session.commit()
    assert _links(app)[0].status == "active"
    assert client.get(f"/dai-su-so/nguoi-hoc/{person.id}").status_code == 403


def test_guided_sessions_are_recorded_for_mentees_only_with_sane_values(
    app, make_user, client, login
):
    stranger = make_user(login="hoa@example.com")
    mentor_id = _mentor(make_user, login)
    mentor_registers(client)
    mentor_registers(client, full_name="Vàng A Dính", login="0912000002")
    first = user_by_login(app, phone="+84912000001")
    second = user_by_login(app, phone="+84912000002")
    token = csrf_token(client, "/dai-su-so/buoi-huong-dan")
    today = date.today()

    def post(**fields):
        data = {"held_on": today.isoformat(), "topic": "Cài VNeID", "minutes": "45"}
        data.update(fields)
        return client.post(
            "/dai-su-so/buoi-huong-dan",
            data={"csrf_token": token, "learners": data.pop("learners", []), **data},
        )

    assert post(learners=[first.id, second.id]).status_code == 302
    assert post(learners=[]).status_code == 422
    assert (
        post(learners=[first.id], held_on=(today + timedelta(days=2)).isoformat()).status_code
        == 422
    )
    assert post(learners=[first.id], minutes="0").status_code == 422
    assert post(learners=[first.id], minutes="601").status_code == 422
    assert post(learners=[first.id], topic="  ").status_code == 422
    assert post(learners=[first.id], held_on="2024-12-31").status_code == 422
    assert post(learners=[stranger]).status_code == 422  # not a choice of the form
    with app.app_context():
        rows = db.session.scalars(select(GuidedSession).order_by(GuidedSession.learner_id)).all()
        assert [(r.mentor_id, r.learner_id, r.topic, r.minutes) for r in rows] == [
            (mentor_id, first.id, "Cài VNeID", 45),
            (mentor_id, second.id, "Cài VNeID", 45),
        ]
    listing = client.get("/dai-su-so/buoi-huong-dan").get_data(as_text=True)
    assert "Vàng A Dính" in listing and "45 phút" in listing
    detail = client.get(f"/dai-su-so/nguoi-hoc/{first.id}").get_data(as_text=True)
    assert "Cài VNeID" in detail
    switch_to(client, login, "0912000001", "mat-khau-cua-mai")
    mine = client.get("/tai-khoan/dai-su-so").get_data(as_text=True)
    assert "Cài VNeID" in mine and "Hà Văn Sơn" in mine


def test_record_sessions_refuses_people_the_mentor_does_not_follow(app, make_user):
    import pytest

    from lms.community.services import NotYourMentee, record_sessions

    stranger = make_user(login="hoa@example.com")
    mentor = make_user(role="mentor", login="son@example.com")
    with app.test_request_context(), pytest.raises(NotYourMentee):
        record_sessions(db.session.get(User, mentor), [stranger], date.today(), "Zalo", 30)


def test_a_mentor_sees_and_prints_the_certificates_of_mentees_only(app, make_user, client, login):
    from lms.certificates.services import issue_program_certificate
    from lms.completion.models import Attainment
    from lms.core.db import utcnow

    outsider = make_user(login="hoa@example.com", full_name="Lê Thị Hoa")
    _mentor(make_user, login)
    mentor_registers(client)
    person = user_by_login(app, phone="+84912000001")
    with app.test_request_context():
        codes = []
        for user_id in (person.id, outsider):
            attainment = Attainment(user_id=user_id, group_code="citizen", attained_at=utcnow())
            db.session.add(attainment)
            db.session.flush()
            codes.append(issue_program_certificate(attainment).code)
        db.session.commit()
    from lms.certificates.codes import grouped

    mine, theirs = (grouped(c) for c in codes)
    detail = client.get(f"/dai-su-so/nguoi-hoc/{person.id}").get_data(as_text=True)
    assert mine in detail and "Đã đạt phổ cập kỹ năng số" in detail
    managed = client.get("/chung-nhan/quan-ly").get_data(as_text=True)
    assert "Lò Thị Mai" in managed and "Lê Thị Hoa" not in managed
    assert client.get(f"/chung-nhan/{mine}.pdf").status_code == 200
    assert client.get(f"/chung-nhan/{theirs}.pdf").status_code == 403
