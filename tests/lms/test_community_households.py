"""Households ("Gia đình số"): typo-tolerant one-time codes that expire, joining and leaving,
a mentor setting one up, and the page that shows who has attained the standard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.community.codes import ALPHABET, Reading, check_character, grouped, new_code, read_code
from lms.community.models import Household, HouseholdInvite, HouseholdMember
from lms.extensions import db
from tests.conftest import csrf_token
from tests.lms.community_helpers import mentor_registers, switch_to, user_by_login

# --- Codes ------------------------------------------------------------------------------------


def test_new_codes_read_back_valid_and_are_shown_in_two_groups():
    for _ in range(200):
        code = new_code()
        assert len(code) == 8 and set(code) <= set(ALPHABET)
        assert read_code(code) == (Reading.VALID, code)
        assert grouped(code) == f"{code[:4]}-{code[4:]}"


def test_reading_forgives_case_separators_and_look_alikes():
    payload = "0O1IL2A"  # O, I and L are typed for 0, 1 and 1
    code = "0011" + "12A"
    code += check_character(code)
    typed = f" {payload[:4].lower()}-{payload[4:].lower()} {code[-1].lower()}"
    assert read_code(typed) == (Reading.VALID, code)


def test_every_single_typo_and_neighbour_swap_is_caught():
    code = new_code()
    for index in range(8):
        for char in ALPHABET:
            if char != code[index]:
                typo = code[:index] + char + code[index + 1 :]
                assert read_code(typo)[0] is Reading.MISTYPED, typo
    for index in range(7):
        if code[index] != code[index + 1]:
            swapped = code[:index] + code[index + 1] + code[index] + code[index + 2 :]
            assert read_code(swapped)[0] is Reading.MISTYPED


@pytest.mark.parametrize("raw", ["", "ABC", "ABCD-EFGHJ", "ABCD-EFG!", "ÂBCD-EFGH", "ABCU-EFGH"])
def test_malformed_codes(raw):
    assert read_code(raw)[0] is Reading.MALFORMED


# --- Through the pages ----------------------------------------------------------------------------


def _create(client, name="Gia đình bà Mai") -> int:
    token = csrf_token(client, "/gia-dinh")
    response = client.post("/gia-dinh/tao", data={"name": name, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _invite(client, app, household_id: int) -> str:
    token = csrf_token(client, f"/gia-dinh/{household_id}")
    response = client.post(f"/gia-dinh/{household_id}/ma-moi", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        return db.session.scalar(
            select(HouseholdInvite.code)
            .where(HouseholdInvite.household_id == household_id)
            .order_by(HouseholdInvite.id.desc())
        )


def _join(client, code: str):
    token = csrf_token(client, "/tai-khoan")
    return client.post("/gia-dinh/tham-gia", data={"code": code, "csrf_token": token})


def _members(app, household_id: int) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(HouseholdMember.user_id).where(HouseholdMember.household_id == household_id)
            )
        )


def test_a_learner_creates_a_household_and_a_relative_joins_with_a_sloppy_code(
    app, make_user, client, login
):
    mai = make_user(login="mai@example.com", full_name="Lò Thị Mai")
    pao = make_user(login="pao@example.com", full_name="Lò Văn Páo")
    login("mai@example.com")
    assert "Tạo hộ gia đình của tôi" in client.get("/gia-dinh").get_data(as_text=True)
    household_id = _create(client)
    assert client.get("/gia-dinh").headers["Location"].endswith(f"/gia-dinh/{household_id}")
    code = _invite(client, app, household_id)
    page = client.get(f"/gia-dinh/{household_id}").get_data(as_text=True)
    assert grouped(code) in page and "Chưa có thành viên nào đạt" in page

    switch_to(client, login, "pao@example.com")
    sloppy = f" {code[:4].lower()} - {code[4:].lower()} ".replace("0", "o").replace("1", "l")
    response = _join(client, sloppy)
    assert response.status_code == 302
    assert _members(app, household_id) == {mai, pao}
    page = client.get(f"/gia-dinh/{household_id}").get_data(as_text=True)
    assert "Lò Thị Mai" in page and "Lò Văn Páo" in page
    assert "Tạo mã mời mới" not in page  # only the one who set it up invites


def test_a_code_is_used_once_expires_and_a_typo_is_told_apart(app, make_user, client, login):
    make_user(login="mai@example.com")
    make_user(login="pao@example.com")
    make_user(login="dinh@example.com")
    login("mai@example.com")
    household_id = _create(client)
    code = _invite(client, app, household_id)
    expired = _invite(client, app, household_id)
    with app.app_context():
        invite = db.session.scalar(select(HouseholdInvite).where(HouseholdInvite.code == expired))
        invite.expires_at = invite.created_at - timedelta(seconds=1)
        db.session.commit()

    switch_to(client, login, "pao@example.com")
    typo = code[:-1] + ("A" if code[-1] != "A" else "B")
    response = _join(client, typo)
    assert response.status_code == 422
    assert "gõ nhầm một ký tự" in response.get_data(as_text=True)
    assert "hết hạn" in _join(client, expired).get_data(as_text=True)
    assert "8 chữ và số" in _join(client, "12345").get_data(as_text=True)
    assert _join(client, code).status_code == 302

    switch_to(client, login, "dinh@example.com")
    response = _join(client, code)
    assert response.status_code == 422 and "đã được dùng" in response.get_data(as_text=True)
    other = new_code()
    assert "Không có mã mời này" in _join(client, other).get_data(as_text=True)


def test_one_household_per_person(app, make_user, client, login):
    make_user(login="mai@example.com")
    make_user(login="pao@example.com")
    login("mai@example.com")
    household_id = _create(client)
    code = _invite(client, app, household_id)
    switch_to(client, login, "pao@example.com")
    _create(client, "Gia đình ông Páo")
    response = _join(client, code)
    assert response.status_code == 422 and "Hãy rời hộ đó trước" in response.get_data(as_text=True)


def test_the_household_page_shows_who_attained_and_is_private_to_members(
    app, make_user, client, login
):
    from lms.completion.models import Attainment
    from lms.core.db import utcnow

    mai = make_user(login="mai@example.com", full_name="Lò Thị Mai")
    make_user(login="pao@example.com")
    login("mai@example.com")
    household_id = _create(client)
    with app.app_context():
        db.session.add(Attainment(user_id=mai, group_code="citizen", attained_at=utcnow()))
        db.session.commit()
    page = client.get(f"/gia-dinh/{household_id}").get_data(as_text=True)
    assert "Gia đình số: 1 thành viên đã đạt phổ cập kỹ năng số." in page
    assert "Đã đạt" in page
    switch_to(client, login, "pao@example.com")
    assert client.get(f"/gia-dinh/{household_id}").status_code == 403
    assert client.get("/gia-dinh/999999").status_code == 404
    token = csrf_token(client, "/gia-dinh")
    assert (
        client.post(f"/gia-dinh/{household_id}/ma-moi", data={"csrf_token": token}).status_code
        == 403
    )


def test_leaving_passes_management_on_and_the_last_one_out_closes_the_household(
    app, make_user, client, login
):
    make_user(login="mai@example.com")
    pao = make_user(login="pao@example.com")
    login("mai@example.com")
    household_id = _create(client)
    code = _invite(client, app, household_id)
    switch_to(client, login, "pao@example.com")
    _join(client, code)
    switch_to(client, login, "mai@example.com")
    confirm = client.get("/gia-dinh/roi")
    assert confirm.status_code == 200 and "Rời hộ “Gia đình bà Mai”?" in confirm.get_data(
        as_text=True
    )
    client.post("/gia-dinh/roi", data={"csrf_token": csrf_token(client, "/gia-dinh/roi")})
    assert _members(app, household_id) == {pao}
    with app.app_context():
        assert db.session.get(HouseholdMember, (household_id, pao)).is_manager
    switch_to(client, login, "pao@example.com")
    client.post("/gia-dinh/roi", data={"csrf_token": csrf_token(client, "/gia-dinh/roi")})
    with app.app_context():
        assert db.session.get(Household, household_id) is None


def test_a_manager_removes_a_member_with_a_post(app, make_user, client, login):
    make_user(login="mai@example.com")
    pao = make_user(login="pao@example.com", full_name="Lò Văn Páo")
    login("mai@example.com")
    household_id = _create(client)
    code = _invite(client, app, household_id)
    switch_to(client, login, "pao@example.com")
    _join(client, code)
    token = csrf_token(client, f"/gia-dinh/{household_id}")
    # A plain member cannot remove anyone.
    assert (
        client.post(
            f"/gia-dinh/{household_id}/thanh-vien/{pao}/xoa", data={"csrf_token": token}
        ).status_code
        == 403
    )
    switch_to(client, login, "mai@example.com")
    token = csrf_token(client, f"/gia-dinh/{household_id}")
    assert client.post(f"/gia-dinh/{household_id}/thanh-vien/{pao}/xoa").status_code == 400  # CSRF
    response = client.post(
        f"/gia-dinh/{household_id}/thanh-vien/{pao}/xoa", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert pao not in _members(app, household_id)


def test_a_mentor_sets_up_a_household_with_mentees_who_agreed(app, make_user, client, login):
    stranger = make_user(login="hoa@example.com")
    make_user(role="mentor", login="son@example.com")
    login("son@example.com")
    mentor_registers(client)
    mentor_registers(client, full_name="Vàng A Dính", login="0912000002")
    first = user_by_login(app, phone="+84912000001")
    second = user_by_login(app, phone="+84912000002")
    token = csrf_token(client, "/dai-su-so/gia-dinh")

    def post(members, attested="y"):
        data = {"name": "Gia đình bà Mai", "members": members, "csrf_token": token}
        if attested:
            data["attested"] = attested
        return client.post("/dai-su-so/gia-dinh", data=data)

    assert post([first.id, second.id], attested=None).status_code == 422
    assert post([first.id, stranger]).status_code == 422  # not a choice: not a mentee
    response = post([first.id, second.id])
    assert response.status_code == 302
    household_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert _members(app, household_id) == {first.id, second.id}
    with app.app_context():
        household = db.session.get(Household, household_id)
        assert (household.commune_code, household.mentor_id) == (
            "00070",
            user_by_login(app, email="son@example.com").id,
        )
    page = client.get(f"/gia-dinh/{household_id}").get_data(as_text=True)
    assert "Tạo mã mời mới" in page  # the mentor who set it up may invite
    assert "Gia đình bà Mai" in client.get("/dai-su-so").get_data(as_text=True)
    again = post([first.id])
    assert again.status_code == 422 and "Đã ở trong một hộ gia đình khác" in again.get_data(
        as_text=True
    )


def test_set_up_household_refuses_non_mentees_at_the_service(app, make_user):
    from lms.community.households import set_up_household
    from lms.community.services import NotYourMentee

    stranger = make_user(login="hoa@example.com")
    mentor = make_user(role="mentor", login="son@example.com")
    with app.test_request_context(), pytest.raises(NotYourMentee):
        set_up_household(db.session.get(User, mentor), "Nhà A", [stranger], attested=True)
