"""A course whose every teacher-written text is an XSS payload, built through the authoring rules.

A payload that ran would set window.__xss or open a dialog; the tests check it never does,
in the pages, the JSON, the CSV and the PDF where teacher-written text appears."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from tests.lms.authoring_helpers import png_bytes, wav_bytes

SLUG = "test-xss-khoa-hoc"
PAYLOADS = [
    '<script>window.__xss=1;alert("xss-1")</script>',
    '<img src=x onerror="window.__xss=2;alert(2)">',
    '"><svg onload="window.__xss=3;alert(3)">',
    '\'><iframe srcdoc="<script>parent.__xss=4</script>"></iframe>',
    '<a href="javascript:window.__xss=5">bấm vào đây</a>',
    "[liên kết](javascript:window.__xss=6)",
    '<details open ontoggle="window.__xss=7;alert(7)">x</details>',
    "</textarea><script>window.__xss=8</script>",
    "</title><script>window.__xss=9</script>",
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=10">',
    '<input autofocus onfocus="window.__xss=11">',
    '<object data="javascript:window.__xss=12"></object>',
    '<a href="data:text/html,<script>alert(13)</script>">d</a>',
    '<style>*{background:url("javascript:window.__xss=14")}</style>',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=15">',
    '<body onload="window.__xss=16">',
    "{{ 7*7 }} {% if 1 %}Jinja{% endif %}",
    '<a href="jav&#x09;ascript:window.__xss=18">tab</a>',
    "javascript:window.__xss=19//",
    '=HYPERLINK("https://x.vn","bấm")',
    "<!--<img src=x onerror=window.__xss=21>-->",
    '<svg><script href="data:,window.__xss=22"></script></svg>',
    "<scr<script>ipt>window.__xss=23</scr</script>ipt>",
    '<form><button formaction="javascript:window.__xss=24">Gửi</button></form>',
]


FORMULA = '=HYPERLINK("https://x.vn/lay-du-lieu","Bấm để xem")'


def payload(index: int) -> str:
    """Return payload `index` (wrapping), prefixed so each field's text is unique."""
    return f"P{index} {PAYLOADS[index % len(PAYLOADS)]}"


def build_xss_course(author, learner=None):
    """Build and publish the course; if a learner is given, they finish it and keep an attempt open."""
    from lms.authoring import bank, drafts, publishing
    from lms.learning.services import complete_lesson, enrol, lesson_in
    from lms.quizzes.services import save_answers, start_attempt, submit_attempt

    course = drafts.create_course(author, payload(0)[:200], SLUG)
    first = drafts.add_lesson(author, course, payload(1))
    body = "\n\n".join(PAYLOADS) + "\n\n" + "\n".join(f"- {p}" for p in PAYLOADS)
    drafts.save_lesson(author, course, first.slug, payload(1), 5, body)
    drafts.insert_image(author, course, first.slug, png_bytes(), payload(2), payload(3))
    drafts.add_player(
        author, course, first.slug, wav_bytes(), "a.wav", "audio", payload(4), payload(5)
    )
    second = drafts.add_lesson(author, course, payload(6))
    drafts.save_lesson(author, course, second.slug, payload(6), 3, payload(7))
    quiz = bank.create_quiz(author, course, payload(8))
    questions = [
        {
            "type": "single_choice",
            "prompt": payload(9),
            "options": [
                {"id": "a", "text": payload(10), "correct": True, "feedback": payload(11)},
                {"id": "b", "text": payload(12), "feedback": payload(13)},
            ],
            "feedback": {"correct": payload(14), "incorrect": payload(15)},
            "explanation": payload(16),
        },
        {
            "type": "matching",
            "prompt": payload(17),
            "pairs": [
                {"left": payload(18), "right": payload(19)},
                {"left": payload(20), "right": payload(21)},
            ],
            "distractors": [payload(22)],
            "explanation": payload(23),
        },
        {
            "type": "ordering",
            "prompt": payload(24),
            "items": [payload(25), payload(26), payload(27)],
        },
        {"type": "short_answer", "prompt": payload(28), "answers": [payload(29)]},
        {"type": "true_false", "prompt": payload(30), "answer": True, "feedback": payload(31)},
        {"type": "numeric", "prompt": FORMULA, "value": 1},  # starts with "=": CSV must defuse it
    ]
    for data in questions:
        bank.create_question(author, course, data, quiz.slug)
    bank.update_quiz(author, course, quiz.slug, payload(8), {"pass_percent": 20})
    drafts.update_course_info(
        author,
        course,
        drafts.CourseInfo(
            title=payload(0)[:200],
            summary=payload(32),
            level=1,
            minutes=0,
            groups=["citizen"],
            competences=["0.1"],
            required_lessons="all",
            required_quizzes=[quiz.slug],
        ),
    )
    drafts.set_cover(author, course, png_bytes(60, 40), "bia.png", payload(33))
    publishing.publish_course(author, course)
    db.session.flush()
    if learner is None:
        return course
    enrolment = enrol(learner, course)
    version = course.current_version
    for lesson in version.lessons:
        complete_lesson(learner, enrolment, lesson_in(version, lesson.slug))
    attempt = start_attempt(learner, course, version.quizzes[0])
    save_answers(attempt, {"q1": "b", "q2": {"0": "1", "1": "0"}, "q4": payload(34)})
    submit_attempt(attempt)
    second_try = start_attempt(learner, course, version.quizzes[0])
    save_answers(second_try, {"q1": "a", "q4": payload(29), "q5": True})
    submit_attempt(second_try)
    start_attempt(learner, course, version.quizzes[0])  # left open: the "take" page
    db.session.flush()
    return course


def certificate_code(course_id: int, user_id: int) -> str | None:
    """Return the code of the learner's certificate for the course, if one was issued."""
    from lms.certificates.models import Certificate

    return db.session.scalar(
        select(Certificate.code).where(
            Certificate.course_id == course_id, Certificate.user_id == user_id
        )
    )
