"""`lms certificates ...`: keys and rotation, issuing what is missing, revoking, re-issuing."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.certificates.codes import grouped
from lms.certificates.models import Certificate
from lms.certificates.services import certificates_of
from lms.extensions import db
from tests.lms.test_certificates import complete_course


def _certificate(app, quiz_course, make_user) -> str:
    user_id = make_user(login="cli@example.com")
    with app.test_request_context():
        user = db.session.get(User, user_id)
        complete_course(user, db.session.get(Course, quiz_course))
        db.session.commit()
        return certificates_of(user)[0].code


def test_keys_are_listed_and_rotated(app, quiz_course, make_user):
    code = _certificate(app, quiz_course, make_user)
    runner = app.test_cli_runner()
    before = runner.invoke(args=["certificates", "keys"])
    assert before.exit_code == 0 and "đang dùng" in before.output
    rotated = runner.invoke(args=["certificates", "rotate-key"])
    assert rotated.exit_code == 0
    new_kid = re.search(r"Khoá ký mới: ([0-9a-f]{8})", rotated.output).group(1)
    after = runner.invoke(args=["certificates", "keys"]).output.splitlines()
    assert after[0].startswith(new_kid) and "đang dùng" in after[0]
    with app.app_context():
        old_kid = db.session.scalar(select(Certificate.key_id).where(Certificate.code == code))
    assert any(line.startswith(old_kid) and "ngừng ký từ" in line for line in after)


def test_revoke_and_reissue_from_the_command_line(app, quiz_course, make_user):
    code = _certificate(app, quiz_course, make_user)
    runner = app.test_cli_runner()
    same = runner.invoke(args=["certificates", "reissue", grouped(code)])
    assert same.exit_code != 0 and "chưa thay đổi" in same.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "cli@example.com"))
        user.full_name = "Lê Văn Đức"
        db.session.commit()
    reissued = runner.invoke(args=["certificates", "reissue", code.lower()])
    assert reissued.exit_code == 0, reissued.output
    new_code = re.search(r"mã mới ([0-9A-Z-]+)", reissued.output).group(1)
    revoked = runner.invoke(
        args=["certificates", "revoke", new_code, "--reason", "error", "--note", "cấp nhầm"]
    )
    assert revoked.exit_code == 0, revoked.output
    again = runner.invoke(args=["certificates", "revoke", new_code, "--reason", "error"])
    assert again.exit_code != 0
    unknown = runner.invoke(args=["certificates", "revoke", "0" * 28, "--reason", "error"])
    assert unknown.exit_code != 0 and "Không có chứng nhận" in unknown.output
    with app.app_context():
        rows = {c.code: c for c in db.session.scalars(select(Certificate))}
    assert rows[code].status == "replaced"
    assert rows[new_code.replace("-", "")].revocation_reason == "error"
    assert rows[new_code.replace("-", "")].holder_name == "Lê Văn Đức"


def test_issue_missing_and_render_speed(app, quiz_course, make_user):
    _certificate(app, quiz_course, make_user)
    with app.app_context():
        db.session.execute(db.delete(Certificate))
        db.session.commit()
    runner = app.test_cli_runner()
    issued = runner.invoke(args=["certificates", "issue-missing"])
    assert issued.exit_code == 0 and "Đã cấp 1 chứng nhận" in issued.output
    assert "Đã cấp 0 chứng nhận" in runner.invoke(args=["certificates", "issue-missing"]).output
    speed = runner.invoke(args=["certificates", "render-speed", "--count", "2"])
    assert speed.exit_code == 0 and re.search(r"[\d.]+ chứng nhận/giây", speed.output)
    with app.app_context():  # the sample was never saved
        assert len(db.session.scalars(select(Certificate)).all()) == 1
