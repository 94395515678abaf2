"""Every area's models, imported in one place so metadata (and Alembic) sees them all."""

from lms.accounts.models import ConsentRecord, User, UserSession
from lms.api.models import ApiToken, IdempotentRequest
from lms.audit.models import AuditEntry
from lms.authoring.models import (
    AuditEvent,
    BankQuestion,
    CourseAuthor,
    CourseDraft,
    DraftLesson,
    DraftMedia,
    DraftQuiz,
    DraftQuizQuestion,
    LessonRevision,
)
from lms.catalog.models import (
    Competence,
    Course,
    CourseVersion,
    Domain,
    GroupTarget,
    LearnerGroup,
    Lesson,
    Level,
    MediaAsset,
    ProgramCourse,
    Quiz,
)
from lms.certificates.models import Certificate
from lms.community.models import (
    GuidedSession,
    Household,
    HouseholdInvite,
    HouseholdMember,
    MentorLink,
)
from lms.completion.models import Attainment
from lms.core.localities import Unit, Village
from lms.learning.models import Enrolment, LessonProgress
from lms.privacy.models import NationalIdRecord
from lms.quizzes.models import AttemptAnswer, QuizAttempt
from lms.reports.models import (
    DomainScore,
    ExportLog,
    LearnerFacts,
    Placement,
    Population,
    RefusalLog,
    RollupCount,
    TargetOverride,
)

__all__ = [
    "ApiToken",
    "IdempotentRequest",
    "AttemptAnswer",
    "AuditEntry",
    "GuidedSession",
    "Household",
    "HouseholdInvite",
    "HouseholdMember",
    "MentorLink",
    "NationalIdRecord",
    "AuditEvent",
    "BankQuestion",
    "CourseAuthor",
    "CourseDraft",
    "DraftLesson",
    "DraftMedia",
    "DraftQuiz",
    "DraftQuizQuestion",
    "LessonRevision",
    "Attainment",
    "Certificate",
    "Competence",
    "ConsentRecord",
    "Course",
    "CourseVersion",
    "Domain",
    "DomainScore",
    "ExportLog",
    "Enrolment",
    "GroupTarget",
    "LearnerFacts",
    "LearnerGroup",
    "Lesson",
    "LessonProgress",
    "Level",
    "MediaAsset",
    "Placement",
    "Population",
    "ProgramCourse",
    "Quiz",
    "QuizAttempt",
    "RefusalLog",
    "RollupCount",
    "TargetOverride",
    "Unit",
    "User",
    "UserSession",
    "Village",
]
