"""Golden marks for every question type and scoring mode (DESIGN §5), and attempt totals."""

import unicodedata

import pytest

from assessments import (
    AttemptResult,
    Feedback,
    Matching,
    MultipleChoice,
    Numeric,
    Option,
    Ordering,
    Pair,
    Quiz,
    QuizPolicy,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    grade_attempt,
    grade_question,
)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


SINGLE = SingleChoice(
    id="sc",
    prompt="Biểu tượng nào dùng để gọi điện?",
    points=2,
    options=(
        Option("a", "Hình chiếc điện thoại", True),
        Option("b", "Hình chiếc máy ảnh", False, "Đây là ứng dụng Máy ảnh."),
        Option("c", "Hình lá thư"),
    ),
)
MULTI = MultipleChoice(
    id="mc",
    prompt="Dấu hiệu lừa đảo?",
    options=(
        Option("a", "Giục chuyển tiền gấp", True),
        Option("b", "Gửi đường link lạ", True),
        Option("c", "Người quen gọi trực tiếp"),
        Option("d", "Tin nhắn từ tổng đài chính thức"),
    ),
)
MULTI_PARTIAL = MultipleChoice(
    id="mp",
    prompt="Chọn các số chẵn",
    points=3,
    scoring="partial",
    options=tuple(
        Option(key, text, correct)
        for key, text, correct in [
            ("a", "2", True),
            ("b", "4", True),
            ("c", "6", True),
            ("d", "7", False),
            ("e", "9", False),
        ]
    ),
)
TRUE_FALSE = TrueFalse(id="tf", prompt="Mật khẩu nên là ngày sinh.", answer=False)
SHORT = ShortAnswer(id="sa", prompt="Thủ đô?", answers=("Hà Nội", "Thủ đô Hà Nội"))
SHORT_FOLDED = ShortAnswer(
    id="sf", prompt="Thành phố?", answers=("Đà Nẵng",), ignore_diacritics=True
)
SHORT_NUMBER = ShortAnswer(id="sn", prompt="Số khẩn cấp?", answers=("113",))
NUMERIC = Numeric(id="nu", prompt="Bao nhiêu?", value=3.5)
NUMERIC_TOLERANCE = Numeric(id="nt", prompt="Khoảng?", value=3.5, tolerance=0.1)
NUMERIC_NEGATIVE = Numeric(id="nn", prompt="Nhiệt độ?", value=-3.5)
MATCHING = Matching(
    id="ma",
    prompt="Nối ứng dụng",
    pairs=(Pair("Zalo", "Nhắn tin"), Pair("VNeID", "Định danh"), Pair("Google Maps", "Bản đồ")),
    distractors=("Chơi trò chơi",),
)
MATCHING_PARTIAL = Matching(
    id="mx", prompt="Nối", points=3, scoring="partial", pairs=MATCHING.pairs, distractors=("x",)
)
ORDERING = Ordering(id="or", prompt="Sắp xếp", items=("Mở", "Chọn", "Nhập", "Lưu"))
ORDERING_PARTIAL = Ordering(
    id="op", prompt="Sắp xếp", points=4, scoring="partial", items=ORDERING.items
)

GOLDEN = [
    # single_choice: full points or nothing
    (SINGLE, "a", 2, "correct"),
    (SINGLE, " a ", 2, "correct"),
    (SINGLE, "b", 0, "incorrect"),
    (SINGLE, "c", 0, "incorrect"),
    (SINGLE, "z", 0, "incorrect"),
    (SINGLE, ["a"], 0, "incorrect"),
    (SINGLE, 1, 0, "incorrect"),
    (SINGLE, None, 0, "unanswered"),
    (SINGLE, "", 0, "unanswered"),
    (SINGLE, "   ", 0, "unanswered"),
    # multiple_choice, all or nothing
    (MULTI, ["a", "b"], 1, "correct"),
    (MULTI, ["b", "a"], 1, "correct"),
    (MULTI, ["a", "a", "b"], 1, "correct"),
    (MULTI, ["a"], 0, "incorrect"),
    (MULTI, ["a", "b", "c"], 0, "incorrect"),
    (MULTI, ["a", "b", "zzz"], 0, "incorrect"),
    (MULTI, "a", 0, "incorrect"),
    (MULTI, {"a": True}, 0, "incorrect"),
    (MULTI, [], 0, "unanswered"),
    (MULTI, [""], 0, "unanswered"),
    (MULTI, None, 0, "unanswered"),
    # multiple_choice, partial: points × max(0, (right − wrong) / right options) = 3 × (r − w) / 3
    (MULTI_PARTIAL, ["a"], 1, "partial"),
    (MULTI_PARTIAL, ["a", "b"], 2, "partial"),
    (MULTI_PARTIAL, ["a", "b", "c"], 3, "correct"),
    (MULTI_PARTIAL, ["a", "b", "c", "d"], 2, "partial"),
    (MULTI_PARTIAL, ["a", "b", "c", "d", "e"], 1, "partial"),
    (MULTI_PARTIAL, ["a", "d"], 0, "incorrect"),
    (MULTI_PARTIAL, ["a", "d", "e"], 0, "incorrect"),
    (MULTI_PARTIAL, ["d"], 0, "incorrect"),
    (MULTI_PARTIAL, ["a", "b", "nope"], 1, "partial"),
    (MULTI_PARTIAL, ["a", 7], 0, "incorrect"),
    (MULTI_PARTIAL, "b", 1, "partial"),
    # true_false
    (TRUE_FALSE, False, 1, "correct"),
    (TRUE_FALSE, "false", 1, "correct"),
    (TRUE_FALSE, " FALSE ", 1, "correct"),
    (TRUE_FALSE, True, 0, "incorrect"),
    (TRUE_FALSE, "true", 0, "incorrect"),
    (TRUE_FALSE, "sai", 0, "incorrect"),
    (TRUE_FALSE, 0, 0, "incorrect"),
    (TRUE_FALSE, None, 0, "unanswered"),
    (TRUE_FALSE, "", 0, "unanswered"),
    # short_answer: NFC, case folding, whitespace collapsing
    (SHORT, "Hà Nội", 1, "correct"),
    (SHORT, "hà nội", 1, "correct"),
    (SHORT, "HÀ NỘI", 1, "correct"),
    (SHORT, "  Hà   Nội  ", 1, "correct"),
    (SHORT, "Hà\tNội\n", 1, "correct"),
    (SHORT, "Hà\u00a0Nội", 1, "correct"),
    (SHORT, nfd("Hà Nội"), 1, "correct"),
    (SHORT, nfd("thủ đô HÀ NỘI"), 1, "correct"),
    (SHORT, "Ha Noi", 0, "incorrect"),
    (SHORT, "Hà Nội.", 0, "incorrect"),
    (SHORT, "HàNội", 0, "incorrect"),
    (SHORT, ["Hà Nội"], 0, "incorrect"),
    (SHORT, "", 0, "unanswered"),
    (SHORT, " \n ", 0, "unanswered"),
    (SHORT, None, 0, "unanswered"),
    # short_answer with ignore_diacritics: đ folds to d as well
    (SHORT_FOLDED, "da nang", 1, "correct"),
    (SHORT_FOLDED, "DA  NANG", 1, "correct"),
    (SHORT_FOLDED, "Đà Nẵng", 1, "correct"),
    (SHORT_FOLDED, nfd("Đa Năng"), 1, "correct"),
    (SHORT_FOLDED, "Ða Nang", 1, "correct"),  # U+00D0, a common mis-encoding of Đ
    (SHORT_FOLDED, "danang", 0, "incorrect"),
    (SHORT_NUMBER, "113", 1, "correct"),
    (SHORT_NUMBER, 113, 1, "correct"),
    (SHORT_NUMBER, True, 0, "incorrect"),
    (SHORT_NUMBER, 10**5000, 0, "incorrect"),
    # numeric: "3,5" and "3.5" alike; junk is incorrect, never an exception
    (NUMERIC, "3,5", 1, "correct"),
    (NUMERIC, "3.5", 1, "correct"),
    (NUMERIC, " 3.50 ", 1, "correct"),
    (NUMERIC, "+3,50", 1, "correct"),
    (NUMERIC, 3.5, 1, "correct"),
    (NUMERIC, "35e-1", 1, "correct"),
    (NUMERIC, "3.6", 0, "incorrect"),
    (NUMERIC, 3, 0, "incorrect"),
    (NUMERIC, "3,5,0", 0, "incorrect"),
    (NUMERIC, "3.5.0", 0, "incorrect"),
    (NUMERIC, "3 5", 0, "incorrect"),
    (NUMERIC, "ba phẩy năm", 0, "incorrect"),
    (NUMERIC, "nan", 0, "incorrect"),
    (NUMERIC, "inf", 0, "incorrect"),
    (NUMERIC, "1_0", 0, "incorrect"),
    (NUMERIC, "٣٫٥", 0, "incorrect"),
    (NUMERIC, "1e999999999", 0, "incorrect"),
    (NUMERIC, "9" * 500, 0, "incorrect"),
    (NUMERIC, "1e99999999999999999999", 0, "incorrect"),
    (NUMERIC, "-1e-99999999999999999999", 0, "incorrect"),
    (NUMERIC, 10**5000, 0, "incorrect"),
    (NUMERIC, ",5", 0, "incorrect"),
    (NUMERIC, float("nan"), 0, "incorrect"),
    (NUMERIC, float("inf"), 0, "incorrect"),
    (NUMERIC, True, 0, "incorrect"),
    (NUMERIC, [3.5], 0, "incorrect"),
    (NUMERIC, {"value": 3.5}, 0, "incorrect"),
    (NUMERIC, "", 0, "unanswered"),
    (NUMERIC, None, 0, "unanswered"),
    (NUMERIC_TOLERANCE, "3.6", 1, "correct"),  # exact decimal comparison: 3.6 − 3.5 = 0.1
    (NUMERIC_TOLERANCE, "3,4", 1, "correct"),
    (NUMERIC_TOLERANCE, 3.6, 1, "correct"),
    (NUMERIC_TOLERANCE, "3.61", 0, "incorrect"),
    (NUMERIC_TOLERANCE, "3.39", 0, "incorrect"),
    (NUMERIC_NEGATIVE, "-3,5", 1, "correct"),
    (NUMERIC_NEGATIVE, "\u22123,5", 1, "correct"),  # typographic minus sign
    (NUMERIC_NEGATIVE, "3,5", 0, "incorrect"),
    # matching, all or nothing: pair i is right when "i" maps to "i"
    (MATCHING, {"0": "0", "1": "1", "2": "2"}, 1, "correct"),
    (MATCHING, {"0": 0, "1": 1, "2": 2}, 1, "correct"),
    (MATCHING, {"0": "0", "1": "2", "2": "1"}, 0, "incorrect"),
    (MATCHING, {"0": "0", "1": "1", "2": "3"}, 0, "incorrect"),
    (MATCHING, {"0": "0", "1": "1"}, 0, "incorrect"),
    (MATCHING, ["0", "1", "2"], 0, "incorrect"),
    (MATCHING, {"0": 10**5000, "1": 1, "2": 2}, 0, "incorrect"),
    (MATCHING, {}, 0, "unanswered"),
    (MATCHING, {"0": "", "1": None}, 0, "unanswered"),
    # matching, partial: per pair
    (MATCHING_PARTIAL, {"0": "0", "1": "1", "2": "2"}, 3, "correct"),
    (MATCHING_PARTIAL, {"0": "0", "1": "2", "2": "1"}, 1, "partial"),
    (MATCHING_PARTIAL, {"0": "0", "1": "1", "2": "3"}, 2, "partial"),
    (MATCHING_PARTIAL, {"0": "0"}, 1, "partial"),
    (MATCHING_PARTIAL, {"0": "1", "1": "0", "2": "3"}, 0, "incorrect"),
    (MATCHING_PARTIAL, {"0": "0", "1": "1", "2": "2", "7": "7"}, 3, "correct"),
    # ordering, all or nothing
    (ORDERING, ["0", "1", "2", "3"], 1, "correct"),
    (ORDERING, [0, 1, 2, 3], 1, "correct"),
    (ORDERING, ["0", "1", "3", "2"], 0, "incorrect"),
    (ORDERING, ["0", "1", "2"], 0, "incorrect"),
    (ORDERING, ["0", "1", "2", "3", "3"], 0, "incorrect"),
    (ORDERING, "0123", 0, "incorrect"),
    (ORDERING, [10**5000, 1, 2, 3], 0, "incorrect"),
    (ORDERING, [], 0, "unanswered"),
    (ORDERING, None, 0, "unanswered"),
    # ordering, partial: per position
    (ORDERING_PARTIAL, ["0", "1", "2", "3"], 4, "correct"),
    (ORDERING_PARTIAL, ["1", "0", "2", "3"], 2, "partial"),
    (ORDERING_PARTIAL, ["0", "2", "3", "1"], 1, "partial"),
    (ORDERING_PARTIAL, ["3", "2", "1", "0"], 0, "incorrect"),
    (ORDERING_PARTIAL, ["0", "1"], 2, "partial"),
    (ORDERING_PARTIAL, [{"x": 1}, "1", "2", "3"], 3, "partial"),
]


@pytest.mark.parametrize(
    ("question", "response", "points", "status"),
    GOLDEN,
    ids=[f"{case[0].id}-{index}" for index, case in enumerate(GOLDEN)],
)
def test_golden_marks(question, response, points, status):
    result = grade_question(question, response)
    assert result.question_id == question.id
    assert result.max_points == question.points
    assert result.points == pytest.approx(points)
    assert result.status == status
    assert result.is_correct == (status == "correct")


def test_every_type_is_in_the_golden_table():
    covered = {question.type for question, *_ in GOLDEN}
    assert covered == {
        "single_choice",
        "multiple_choice",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "ordering",
    }


def test_feedback_joins_option_and_outcome_feedback():
    question = SingleChoice(
        id="q",
        prompt="?",
        options=SINGLE.options,
        feedback=Feedback(correct="Đúng rồi!", incorrect="Chưa đúng."),
    )
    assert question.grade("a").feedback == "Đúng rồi!"
    assert question.grade("b").feedback == "Đây là ứng dụng Máy ảnh.\nChưa đúng."
    assert question.grade(None).feedback == "Chưa đúng."


def test_partial_feedback_falls_back_to_incorrect():
    with_partial = Feedback(correct="Đúng", incorrect="Sai", partial="Gần đúng")
    without = Feedback(correct="Đúng", incorrect="Sai")
    partial_response = ["0", "2", "1", "3"]
    for feedback, expected in [(with_partial, "Gần đúng"), (without, "Sai")]:
        question = Ordering(
            id="o", prompt="?", items=("a", "b", "c", "d"), scoring="partial", feedback=feedback
        )
        assert question.grade(partial_response).feedback == expected


def test_multiple_choice_feedback_of_every_picked_option():
    question = MultipleChoice(
        id="m",
        prompt="?",
        options=(Option("a", "A", True, "fa"), Option("b", "B", False, "fb"), Option("c", "C")),
    )
    assert question.grade(["b", "a", "c"]).feedback == "fa\nfb"


def quiz_of(*questions, pass_percent=70.0):
    return Quiz("Bài kiểm tra", QuizPolicy(pass_percent=pass_percent), tuple(questions))


def choice(question_id, points=1.0):
    return SingleChoice(
        id=question_id,
        prompt="?",
        points=points,
        options=(Option("a", "A", True), Option("b", "B")),
    )


def test_attempt_sums_points_of_the_drawn_questions_only():
    quiz = quiz_of(choice("q1"), choice("q2", 2), choice("q3", 3))
    result = grade_attempt(quiz, ["q3", "q1"], {"q1": "a", "q2": "a", "q3": "b"})
    assert [r.question_id for r in result.results] == ["q3", "q1"]
    assert (result.score, result.max_score, result.percent) == (1.0, 4.0, 25.0)
    assert result.passed is False
    assert result.result("q1").is_correct


@pytest.mark.parametrize(
    ("points", "right", "percent"),
    [
        ((1, 15), 1, 6.3),  # 6.25: half-up, where float round() gives 6.2
        ((2.915, 7.085), 1, 29.2),  # 29.15 is 29.149999... as a float
        ((1, 1, 1), 2, 66.7),
        ((0.1, 0.2), 2, 100.0),  # 0.1 + 0.2 != 0.3 in floats
        ((1,) * 8, 1, 12.5),
    ],
)
def test_percent_rounds_half_up_to_one_decimal(points, right, percent):
    questions = [choice(f"q{index}", value) for index, value in enumerate(points)]
    responses = {f"q{index}": "a" for index in range(right)}
    result = grade_attempt(quiz_of(*questions), [q.id for q in questions], responses)
    assert result.percent == percent


def test_passed_when_percent_reaches_pass_percent():
    questions = [choice(f"q{index}") for index in range(10)]
    ids = [q.id for q in questions]
    seven = {f"q{index}": "a" for index in range(7)}
    assert grade_attempt(quiz_of(*questions), ids, seven).passed
    assert not grade_attempt(quiz_of(*questions, pass_percent=70.1), ids, seven).passed
    six = {f"q{index}": "a" for index in range(6)}
    assert not grade_attempt(quiz_of(*questions), ids, six).passed


def test_nothing_drawn_means_zero_percent_and_not_passed():
    result = grade_attempt(quiz_of(choice("q1"), pass_percent=0), [], {})
    assert (result.score, result.max_score, result.percent, result.passed) == (0, 0, 0, False)


def test_attempt_rejects_unknown_and_repeated_ids():
    quiz = quiz_of(choice("q1"))
    with pytest.raises(KeyError):
        grade_attempt(quiz, ["q9"], {})
    with pytest.raises(ValueError):
        grade_attempt(quiz, ["q1", "q1"], {})


def test_attempt_result_json_round_trip():
    quiz = quiz_of(choice("q1"), MULTI_PARTIAL)
    result = grade_attempt(quiz, ["q1", "mp"], {"mp": ["a", "b"]})
    assert AttemptResult.from_dict(result.to_dict()) == result
    with pytest.raises(ValueError):
        AttemptResult.from_dict({"score": 1})
