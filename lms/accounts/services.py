"""Account rules: registering, signing in and out, roles and scopes, consent."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, or_, select

from lms.accounts.constants import (
    CONSENT_BY_CODE,
    CONSENT_PURPOSES,
    GROUPS,
    GUARDIAN_AGE,
    GUARDIAN_RELATIONS,
    ROLES,
    SCOPE_LEVELS,
)
from lms.accounts.models import ConsentRecord, User, UserSession
from lms.accounts.passwords import MIN_PASSWORD_LENGTH, dummy_verify, hash_password, verify_password
from lms.audit.services import record_event
from lms.core import places
from lms.core.db import utcnow
from lms.core.signals import consent_withdrawn, name_corrected, sign_in_failed
from lms.core.text import clean_line, normalise_phone, search_key
from lms.extensions import db

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class AccountError(ValueError):
    """A rule of accounts was broken; the message is for the person and translated."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Login:
    """A sign-in identifier, normalised: exactly one of email or phone is set."""

    email: str | None = None
    phone: str | None = None

    @property
    def key(self) -> str:
        return self.email or self.phone or ""


def parse_login(raw: str) -> Login | None:
    """Return the normalised e-mail or phone number in raw, or None if it is neither."""
    value = clean_line(raw)
    if "@" in value:
        local, _, domain = value.rpartition("@")
        if local and "." in domain and " " not in value:
            return Login(email=value.lower())
        return None
    phone = normalise_phone(value)
    return Login(phone=phone) if phone else None


def find_user(login: Login) -> User | None:
    """Return the account with this e-mail or phone number."""
    if login.email:
        return db.session.scalar(select(User).where(User.email == login.email))
    return db.session.scalar(select(User).where(User.phone == login.phone))


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            _("Mật khẩu cần ít nhất %(n)d ký tự.", n=MIN_PASSWORD_LENGTH), "password"
        )


def _checked_identity(full_name: str, role: str, learner_group: str | None) -> str:
    """Return the cleaned name after checking name, role and group are acceptable."""
    name = clean_line(full_name)
    if not name:
        raise AccountError(_("Hãy nhập họ và tên."), "full_name")
    if role not in ROLES:
        raise AccountError(_("Vai trò không hợp lệ."), "role")
    if learner_group is not None and learner_group not in GROUPS:
        raise AccountError(_("Nhóm đối tượng không hợp lệ."), "learner_group")
    return name


def _check_place(province_code: str | None, commune_code: str | None) -> None:
    if province_code and places.province(province_code) is None:
        raise AccountError(_("Tỉnh/thành phố không có trong danh sách."), "province_code")
    if commune_code:
        commune = places.commune(commune_code)
        if commune is None or commune.province_code != province_code:
            raise AccountError(_("Xã/phường không thuộc tỉnh/thành phố đã chọn."), "commune_code")


@dataclass
class NewAccount:
    """What a person gives to open an account."""

    full_name: str
    login: str
    password: str
    role: str = "learner"
    learner_group: str | None = None
    birth_year: int | None = None
    province_code: str | None = None
    commune_code: str | None = None
    village: str | None = None
    workplace: str | None = None
    scope_level: str | None = None
    village_id: int | None = None
    unit_id: int | None = None


def _check_locality(commune_code: str | None, village_id: int | None, unit_id: int | None) -> None:
    """Refuse a village or unit that is not on the chosen commune's list."""
    from lms.core.localities import Unit, Village

    for model, chosen, field in ((Village, village_id, "village_id"), (Unit, unit_id, "unit_id")):
        if chosen is None:
            continue
        item = db.session.get(model, chosen)
        if item is None or item.commune_code != commune_code:
            raise AccountError(_("Nơi được chọn không thuộc xã/phường đã chọn."), field)


def create_account(data: NewAccount, created_by: User | None = None) -> User:
    """Create an account after checking every rule; flushes, never commits.

    created_by: the mentor who registers the person on their behalf (None: the person
    themselves, or the operator at the server's shell)."""
    login = parse_login(data.login)
    if login is None:
        raise AccountError(_("Hãy nhập số điện thoại Việt Nam hoặc địa chỉ email hợp lệ."), "login")
    if find_user(login) is not None:
        raise AccountError(_("Số điện thoại hoặc email này đã có tài khoản."), "login")
    name = _checked_identity(data.full_name, data.role, data.learner_group)
    if data.role == "learner" and data.learner_group is None:
        raise AccountError(_("Hãy chọn nhóm đối tượng."), "learner_group")
    _check_password(data.password)
    _check_place(data.province_code, data.commune_code)
    _check_locality(data.commune_code, data.village_id, data.unit_id)
    scope_level = check_scope(data.role, data.scope_level, data.province_code, data.commune_code)
    user = User(
        full_name=name,
        name_key=search_key(name),
        email=login.email,
        phone=login.phone,
        password_hash=hash_password(data.password),
        role=data.role,
        learner_group=data.learner_group,
        birth_year=data.birth_year,
        province_code=data.province_code or None,
        commune_code=data.commune_code or None,
        village=clean_line(data.village) or None,
        workplace=clean_line(data.workplace) or None,
        village_id=data.village_id,
        unit_id=data.unit_id,
        scope_level=scope_level,
    )
    db.session.add(user)
    db.session.flush()
    record_event("account.created", created_by, user, role=user.role)
    return user


def check_scope(
    role: str, scope_level: str | None, province_code: str | None, commune_code: str | None
) -> str | None:
    """Return the officer's scope level after checking it names a place; None for other roles."""
    if role != "officer":
        return None
    if scope_level not in SCOPE_LEVELS:
        raise AccountError(_("Cán bộ quản lý cần phạm vi: xã, tỉnh hoặc toàn quốc."), "scope_level")
    if scope_level == "commune" and not commune_code:
        raise AccountError(_("Phạm vi xã cần chọn xã/phường."), "commune_code")
    if scope_level == "province" and not province_code:
        raise AccountError(_("Phạm vi tỉnh cần chọn tỉnh/thành phố."), "province_code")
    return scope_level


def local_today() -> date:
    """Return today's date in Vietnam."""
    return datetime.now(VIETNAM).date()


def needs_guardian(birth_year: int | None, today: date | None = None) -> bool:
    """Return whether a person born in this year may be under 16, so needs a guardian's consent.

    A birth year cannot tell whether this year's birthday has passed: whoever may still be
    15 is treated as under 16 (born 2010: needs a guardian throughout 2026)."""
    if birth_year is None:
        return False
    return (today or local_today()).year - birth_year <= GUARDIAN_AGE


@dataclass(frozen=True)
class Guardian:
    """The parent or guardian who consents with a person under 16."""

    name: str
    relation: str


def check_guardian(user: User, guardian: Guardian | None) -> Guardian | None:
    """Return the cleaned guardian, required when the person may be under 16."""
    if guardian is not None:
        name = clean_line(guardian.name)
        relation = guardian.relation if guardian.relation in GUARDIAN_RELATIONS else ""
        guardian = Guardian(name, relation) if name or relation else None
    if not needs_guardian(user.birth_year):
        return guardian
    if guardian is None or not guardian.name:
        raise AccountError(
            _(
                "Người dưới 16 tuổi cần cha, mẹ hoặc người giám hộ cùng đồng ý: "
                "hãy nhập họ tên người giám hộ."
            ),
            "guardian_name",
        )
    if not guardian.relation:
        raise AccountError(
            _("Hãy chọn quan hệ của người giám hộ với người học."), "guardian_relation"
        )
    return guardian


def record_consents(
    user: User,
    purposes: set[str],
    recorded_by: User | None = None,
    guardian: Guardian | None = None,
) -> None:
    """Record consent to each purpose with the text version shown; required ones must be there.

    recorded_by: the mentor who recorded consent given in person. A person who may be under
    16 needs a guardian, named on every record."""
    missing = [p.code for p in CONSENT_PURPOSES if p.required and p.code not in purposes]
    if missing:
        raise AccountError(_("Cần đồng ý với điều khoản bắt buộc để tạo tài khoản."), "consent")
    unknown = purposes - set(CONSENT_BY_CODE)
    if unknown:
        raise AccountError(_("Mục đích xử lý dữ liệu không hợp lệ."), "consent")
    guardian = check_guardian(user, guardian)
    for code in sorted(purposes):
        _add_consent(user, code, recorded_by, guardian)
    db.session.flush()


def _add_consent(
    user: User, code: str, recorded_by: User | None, guardian: Guardian | None
) -> ConsentRecord:
    record = ConsentRecord(
        purpose=code,
        text_version=CONSENT_BY_CODE[code].version,
        recorded_by_id=recorded_by.id if recorded_by else None,
        guardian_name=guardian.name if guardian else None,
        guardian_relation=guardian.relation if guardian else None,
    )
    user.consents.append(record)  # keeps active_consents(user) current in this session
    record_event(
        "consent.given",
        recorded_by or user,
        user,
        purpose=code,
        version=record.text_version,
        in_person=recorded_by is not None,
        guardian=guardian is not None,
    )
    return record


def active_consents(user: User) -> dict[str, ConsentRecord]:
    """Return the consents the person has given and not withdrawn, by purpose."""
    return {c.purpose: c for c in user.consents if c.withdrawn_at is None}


def has_consent(user: User, purpose: str) -> bool:
    """Return whether the person has given (and not withdrawn) consent to a purpose."""
    return (
        db.session.scalar(
            select(ConsentRecord.id)
            .where(
                ConsentRecord.user_id == user.id,
                ConsentRecord.purpose == purpose,
                ConsentRecord.withdrawn_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def give_consent(user: User, purpose: str, recorded_by: User | None = None) -> ConsentRecord:
    """Consent to one more purpose (a no-op if already given); a minor's guardian carries over."""
    if purpose not in CONSENT_BY_CODE:
        raise AccountError(_("Mục đích xử lý dữ liệu không hợp lệ."), "consent")
    current = active_consents(user).get(purpose)
    if current is not None:
        return current
    guardian = None
    if needs_guardian(user.birth_year):
        earlier = [c for c in user.consents if c.guardian_name]
        if not earlier:
            raise AccountError(
                _("Người dưới 16 tuổi cần người giám hộ đồng ý cùng; hãy nhờ Đại sứ số hỗ trợ."),
                "consent",
            )
        last = max(earlier, key=lambda c: (c.given_at, c.id or 0))
        guardian = Guardian(last.guardian_name or "", last.guardian_relation or "")
    record = _add_consent(user, purpose, recorded_by, guardian)
    db.session.flush()
    return record


def withdraw_consent(user: User, purpose: str) -> bool:
    """Withdraw consent to a purpose, as easily as it was given; returns whether it was active.

    The consent to the account itself cannot be withdrawn alone: without it the account
    cannot exist, so the person is offered erasure instead (lms.privacy)."""
    if purpose not in CONSENT_BY_CODE:
        raise AccountError(_("Mục đích xử lý dữ liệu không hợp lệ."), "consent")
    if CONSENT_BY_CODE[purpose].required:
        raise AccountError(
            _("Sự đồng ý này cần để giữ tài khoản. Muốn rút lại, hãy yêu cầu xoá dữ liệu."),
            "consent",
        )
    record = active_consents(user).get(purpose)
    if record is None:
        return False
    record.withdrawn_at = utcnow()
    record_event("consent.withdrawn", user, user, purpose=purpose)
    db.session.flush()
    consent_withdrawn.send(user, purpose=purpose)
    return True


def authenticate(raw_login: str, password: str) -> User | None:
    """Return the account if the identifier and password match, else None (same cost either way)."""
    login = parse_login(raw_login)
    user = find_user(login) if login else None
    if user is None:
        dummy_verify(password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_enabled:
        sign_in_failed.send(user)
        return None
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    """Open a server-side session for user and return its secret token (kept in the cookie)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=_token_hash(token), user_id=user.id))
    user.last_active_at = utcnow()
    db.session.flush()
    return token


def user_for_session(token: str) -> User | None:
    """Return the user of a live session token, or None if it is unknown or revoked."""
    return db.session.scalar(
        select(User)
        .join(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.revoked_at.is_(None))
    )


def end_session(token: str) -> None:
    """Revoke a session so its cookie no longer signs anyone in."""
    session = db.session.scalar(
        select(UserSession).where(UserSession.token_hash == _token_hash(token))
    )
    if session is not None and session.revoked_at is None:
        session.revoked_at = utcnow()


def end_all_sessions(user: User) -> None:
    """Revoke every session of a user (after a password or role change)."""
    now = utcnow()
    for session in user.sessions:
        if session.revoked_at is None:
            session.revoked_at = now


def set_password(user: User, password: str) -> None:
    """Set a new password and sign the person out everywhere."""
    _check_password(password)
    user.password_hash = hash_password(password)
    end_all_sessions(user)


def change_password(user: User, current: str, new: str) -> None:
    """The person changes their password: the current one must match; every session ends.

    The caller signs this browser in again (lms.accounts.sessions.sign_in)."""
    if not verify_password(user.password_hash, current):
        sign_in_failed.send(user)
        raise AccountError(_("Mật khẩu hiện tại không đúng."), "current_password")
    if verify_password(user.password_hash, new):
        raise AccountError(_("Mật khẩu mới phải khác mật khẩu hiện tại."), "new_password")
    set_password(user, new)
    record_event("account.password_changed", user, user)


def correct_name(user: User, full_name: str) -> bool:
    """The person corrects their own name (a typo, missing diacritics, a legal change).

    Returns False when nothing changed. Certificates are issued again under the new name
    (they listen to name_corrected); the audit trail records that the name changed, not
    the names themselves."""
    name = _checked_identity(full_name, user.role, user.learner_group)
    if len(name) > 120:
        raise AccountError(_("Họ và tên dài quá 120 ký tự."), "full_name")
    if name == user.full_name:
        return False
    user.full_name = name
    user.name_key = search_key(name)
    db.session.flush()
    record_event("account.name_corrected", user, user)
    name_corrected.send(user)
    return True


@dataclass
class AccountChanges:
    """What an admin may change about an account."""

    full_name: str
    role: str
    learner_group: str | None
    province_code: str | None
    commune_code: str | None
    scope_level: str | None
    is_enabled: bool
    village_id: int | None = None
    unit_id: int | None = None


def update_account(user: User, changes: AccountChanges) -> None:
    """Apply an admin's changes; a role or scope change signs the person out everywhere."""
    name = _checked_identity(changes.full_name, changes.role, changes.learner_group)
    _check_place(changes.province_code, changes.commune_code)
    _check_locality(changes.commune_code, changes.village_id, changes.unit_id)
    scope = check_scope(
        changes.role, changes.scope_level, changes.province_code, changes.commune_code
    )
    privileges_changed = (changes.role, scope) != (user.role, user.scope_level) or (
        not changes.is_enabled and user.is_enabled
    )
    user.full_name = name
    user.name_key = search_key(name)
    user.role = changes.role
    user.learner_group = changes.learner_group
    user.province_code = changes.province_code or None
    user.commune_code = changes.commune_code or None
    user.village_id = changes.village_id
    user.unit_id = changes.unit_id
    user.scope_level = scope
    user.is_enabled = changes.is_enabled
    if privileges_changed:
        end_all_sessions(user)


def update_residence(
    user: User,
    province_code: str | None,
    commune_code: str | None,
    village_id: int | None,
    unit_id: int | None,
) -> None:
    """A person moves: set where they live and work (reports keep the history of moves)."""
    if not province_code or not commune_code:
        raise AccountError(_("Hãy chọn tỉnh/thành phố và xã/phường."), "commune_code")
    _check_place(province_code, commune_code)
    _check_locality(commune_code, village_id, unit_id)
    user.province_code = province_code
    user.commune_code = commune_code
    user.village_id = village_id
    user.unit_id = unit_id
    db.session.flush()


def search_users(query: str = "", role: str | None = None) -> Select[tuple[User]]:
    """Return a select() of accounts matching a folded name, e-mail or phone, newest first."""
    stmt = select(User).order_by(User.id.desc())
    if role:
        stmt = stmt.where(User.role == role)
    if query:
        key = search_key(query)
        phone = normalise_phone(query)
        conditions = [User.name_key.contains(key), User.email.contains(query.strip().lower())]
        if phone:
            conditions.append(User.phone == phone)
        stmt = stmt.where(or_(*conditions))
    return stmt
