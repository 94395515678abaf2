"""Quiz files: parsing, canonical form, and errors that name file, line, question and field."""

import json
import pickle
import textwrap

import pytest
import yaml

from assessments import (
    Feedback,
    QuizFormatError,
    QuizPolicy,
    load_quiz_file,
    parse_quiz,
    quiz_to_dict,
)

GOOD = """\
title: Bài kiểm tra cuối khoá
pass_percent: 80
max_attempts: 3
time_limit_minutes: 15
shuffle_questions: false
draw: 2
attempt_counts: last
review: score
questions:
  - id: q1
    type: single_choice
    prompt: Biểu tượng nào dùng để gọi điện?
    points: 2
    competence: "0.2"
    options:
      - {id: a, text: Hình chiếc điện thoại, correct: true}
      - {id: b, text: Hình chiếc máy ảnh, feedback: Đây là ứng dụng Máy ảnh.}
    feedback:
      correct: Đúng rồi!
      incorrect: Chưa đúng.
    explanation: >
      Ứng dụng Điện thoại thường có
      biểu tượng ống nghe.
  - id: q2
    type: short_answer
    prompt: Số điện thoại khẩn cấp của Công an là số mấy?
    answers: ["113"]
    feedback: Số 113.
  - id: q3
    type: matching
    scoring: partial
    prompt: Nối mỗi ứng dụng với việc nó làm.
    pairs:
      - {left: Zalo, right: "Nhắn tin, gọi video"}
      - {left: VNeID, right: Định danh điện tử}
    distractors: [Chơi trò chơi]
"""


def write(tmp_path, text, name="kiem-tra.quiz.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_file(tmp_path):
    quiz = load_quiz_file(write(tmp_path, GOOD))
    assert quiz.title == "Bài kiểm tra cuối khoá"
    assert quiz.policy == QuizPolicy(
        pass_percent=80,
        max_attempts=3,
        time_limit_minutes=15,
        shuffle_questions=False,
        draw=2,
        attempt_counts="last",
        review="score",
    )
    q1 = quiz.question("q1")
    assert (q1.points, q1.competence) == (2.0, "0.2")
    assert q1.feedback == Feedback(correct="Đúng rồi!", incorrect="Chưa đúng.")
    assert q1.explanation == "Ứng dụng Điện thoại thường có biểu tượng ống nghe."
    assert quiz.question("q2").feedback == Feedback.same("Số 113.")
    assert quiz.question("q3").distractors == ("Chơi trò chơi",)


def test_defaults(tmp_path):
    quiz = parse_quiz(
        {
            "title": "T",
            "questions": [{"id": "q", "type": "true_false", "prompt": "?", "answer": True}],
        }
    )
    assert quiz.policy == QuizPolicy()
    assert quiz.question("q").points == 1


def test_text_is_stored_nfc_and_stripped():
    nfd = "Tho\u0309 \u0111o\u0302\u0300  "
    quiz = parse_quiz(
        {
            "title": nfd,
            "questions": [{"id": "q", "type": "true_false", "prompt": "a\r\nb", "answer": True}],
        }
    )
    assert quiz.title == "Thỏ đồ"
    assert quiz.question("q").prompt == "a\nb"


def test_canonical_dict_round_trips_through_json_and_yaml(tmp_path):
    quiz = load_quiz_file(write(tmp_path, GOOD))
    data = quiz_to_dict(quiz)
    assert parse_quiz(json.loads(json.dumps(data))) == quiz
    dumped = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    assert load_quiz_file(write(tmp_path, dumped, "copy.quiz.yaml")) == quiz
    assert data["questions"][0]["points"] == 2  # not 2.0
    assert data["questions"][1]["feedback"] == "Số 113."


def error_of(tmp_path, text, name="kiem-tra.quiz.yaml"):
    with pytest.raises(QuizFormatError) as caught:
        load_quiz_file(write(tmp_path, text, name))
    return caught.value


def test_error_names_file_line_question_and_field(tmp_path):
    text = GOOD.replace('answers: ["113"]', "answers: []")
    line = text.splitlines().index("    answers: []") + 1
    error = error_of(tmp_path, text)
    assert (error.line, error.question_id, error.field) == (line, "q2", "answers")
    assert str(error).endswith(
        f"kiem-tra.quiz.yaml:{line}: câu hỏi 'q2', trường 'answers': cần ít nhất một đáp án"
    )
    assert error.message == "cần ít nhất một đáp án"


QUESTION = """\
title: T
questions:
  - id: q1
    type: true_false
    prompt: Đúng không?
    answer: true
  - id: q2
{body}
"""


@pytest.mark.parametrize(
    ("body", "line", "question_id", "field", "message"),
    [
        (
            "    type: essay\n    prompt: Câu hỏi",
            8,
            "q2",
            "type",
            "loại câu hỏi không hợp lệ 'essay'",
        ),
        ("    prompt: Câu hỏi", 7, "q2", "type", "thiếu trường bắt buộc"),
        ("    type: true_false\n    answer: true", 7, "q2", "prompt", "thiếu trường bắt buộc"),
        (
            "    type: true_false\n    prompt: Câu hỏi\n    answer: có",
            10,
            "q2",
            "answer",
            "true hoặc false",
        ),
        ("    type: true_false\n    prompt: Câu hỏi", 7, "q2", "answer", "thiếu trường bắt buộc"),
        (
            "    type: true_false\n    prompt: Câu hỏi\n    answer: true\n    explaination: x",
            11,
            "q2",
            "explaination",
            "trường không được hỗ trợ (có phải 'explanation'?)",
        ),
        (
            "    type: single_choice\n    prompt: Câu hỏi\n    optoins: []",
            7,
            "q2",
            "options",
            "có phải trường 'optoins' bị viết sai?",
        ),
        (
            "    type: true_false\n    prompt: Câu hỏi\n    answer: true\n    competence: 0.2",
            11,
            "q2",
            "competence",
            "dấu ngoặc kép",
        ),
        (
            "    type: true_false\n    prompt: Câu hỏi\n    answer: true\n    points: hai",
            11,
            "q2",
            "points",
            "phải là một số",
        ),
        (
            "    type: true_false\n    prompt: Câu hỏi\n    answer: true\n    points: -1",
            11,
            "q2",
            "points",
            "lớn hơn 0",
        ),
        (
            "    type: single_choice\n    prompt: Câu hỏi\n    options:\n"
            "      - {id: a, text: Có, correct: true}\n      - {id: b, correct: false}",
            12,
            "q2",
            "options[2].text",
            "thiếu trường bắt buộc",
        ),
        (
            "    type: single_choice\n    prompt: Câu hỏi\n    options:\n"
            "      - {id: a, text: Có, correct: true}\n      - {id: B, text: Không}",
            12,
            "q2",
            "options[2].id",
            "chữ thường",
        ),
        (
            "    type: single_choice\n    prompt: Câu hỏi\n    options:\n"
            "      - {id: a, text: yes, correct: true}\n      - {id: b, text: Không}",
            11,
            "q2",
            "options[1].text",
            "phải là chuỗi văn bản",
        ),
        (
            "    type: single_choice\n    prompt: Câu hỏi\n    options:\n"
            "      - {id: a, text: Có, correct: true}\n      - {id: b, text: Không, correct: true}",
            10,
            "q2",
            "options",
            "cần đúng một phương án đúng (đang có 2)",
        ),
        (
            "    type: matching\n    prompt: Câu hỏi\n    pairs:\n"
            "      - {left: Zalo, right: Nhắn tin, gọi video}\n      - {left: a, right: b}",
            11,
            "q2",
            "pairs[1].gọi video",
            "trường không được hỗ trợ",
        ),
        (
            "    type: numeric\n    prompt: Câu hỏi\n    value: 3\n    tolerance: -1",
            11,
            "q2",
            "tolerance",
            "lớn hơn hoặc bằng 0",
        ),
        (
            "    type: short_answer\n    prompt: Câu hỏi\n    answers: [113]",
            10,
            "q2",
            "answers[1]",
            "dấu ngoặc kép",
        ),
        (
            "    type: true_false\n    prompt: Câu hỏi\n    answer: true\n    feedback: {right: x}",
            11,
            "q2",
            "feedback.right",
            "trường không được hỗ trợ",
        ),
        ("    id: q3\n    type: true_false", 7, "q2", "id", "trường 'id' bị lặp lại"),
    ],
)
def test_question_errors(tmp_path, body, line, question_id, field, message):
    error = error_of(tmp_path, QUESTION.format(body=body))
    if "bị lặp lại" in message:  # found while reading YAML, before any field
        assert error.line == line + 1 and message in error.message
        return
    assert (error.line, error.question_id, error.field) == (line, question_id, field)
    assert message in error.message
    assert str(error).startswith(
        f"{tmp_path / 'kiem-tra.quiz.yaml'}:{line}: câu hỏi '{question_id}'"
    )


def test_missing_id_names_the_question_by_position(tmp_path):
    error = error_of(
        tmp_path,
        QUESTION.format(body="    type: true_false").replace("  - id: q2\n", "  - prompt: x\n"),
    )
    assert (error.line, error.question_id, error.field) == (7, None, "questions[2].id")


def test_duplicate_question_id(tmp_path):
    body = "    type: true_false\n    prompt: Câu hỏi\n    answer: true"
    error = error_of(tmp_path, QUESTION.format(body=body).replace("id: q2", "id: q1"))
    assert (error.line, error.question_id, error.field) == (7, "q1", "id")
    assert "mã câu hỏi bị trùng (đã dùng ở dòng 3)" in error.message


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        ("questions: []\n", None, "title", "thiếu trường bắt buộc"),
        ("title: T\nquestions: []\n", 2, "questions", "cần ít nhất một câu hỏi"),
        ("title: T\npass_percent: 120\nquestions: []\n", 2, "pass_percent", "0–100"),
        ("title: T\nmax_attempts: 1.5\nquestions: []\n", 2, "max_attempts", "số nguyên"),
        ("title: T\nreview: all\nquestions: []\n", 2, "review", "full, score"),
        ("title: T\nshufle_questions: false\n", 2, "shufle_questions", "shuffle_questions"),
        ("- title: T\n", None, None, "bảng khoá–giá trị"),
        ("title: [T\n", 2, None, "lỗi cú pháp YAML"),
        ("title: T\ntitle: U\n", 2, None, "trường 'title' bị lặp lại (đã có ở dòng 1)"),
        ("", None, None, "tệp trống"),
    ],
)
def test_quiz_errors(tmp_path, text, line, field, message):
    error = error_of(tmp_path, text)
    assert (error.line, error.question_id, error.field) == (line or error.line, None, field)
    if line is not None:
        assert error.line == line
    assert message in error.message


def test_draw_larger_than_pool(tmp_path):
    error = error_of(
        tmp_path,
        QUESTION.format(
            body="    type: true_false\n    prompt: Câu hỏi\n    answer: false"
        ).replace("title: T", "title: T\ndraw: 3"),
    )
    assert (error.line, error.field) == (2, "draw")
    assert "số câu rút (3) lớn hơn số câu hỏi (2)" in error.message


def test_file_level_errors(tmp_path):
    assert "đuôi .quiz.yaml hoặc .gift" in error_of(tmp_path, GOOD, "quiz.txt").message
    bad = tmp_path / "latin1.quiz.yaml"
    bad.write_bytes("title: Bài".encode("cp1258"))
    with pytest.raises(QuizFormatError, match="UTF-8"):
        load_quiz_file(bad)
    with pytest.raises(QuizFormatError, match="không đọc được tệp"):
        load_quiz_file(tmp_path / "missing.quiz.yaml")


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.quiz.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_quiz_file(path).title == "Bài kiểm tra cuối khoá"


def test_parse_quiz_without_lines():
    with pytest.raises(QuizFormatError) as caught:
        parse_quiz(
            {"title": "T", "questions": [{"id": "q", "type": "numeric", "prompt": "?"}]}, "api"
        )
    assert str(caught.value) == "api: câu hỏi 'q', trường 'value': thiếu trường bắt buộc"
    assert caught.value.line is None


def test_error_pickles():
    error = QuizFormatError("f.quiz.yaml", "sai", line=3, question_id="q1", field="x")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.source, copy.line, copy.question_id, copy.field, str(copy)) == (
        "f.quiz.yaml",
        3,
        "q1",
        "x",
        str(error),
    )


GIFT = """\
// Câu hỏi xuất từ Moodle
::q1::Thủ đô của Việt Nam là?{=Hà Nội ~Huế ~Đà Nẵng}

::q2::Mật khẩu nên là ngày sinh.{F}
"""


def test_gift_file_is_a_quiz_with_default_settings(tmp_path):
    quiz = load_quiz_file(write(tmp_path, GIFT, "on-tap.gift"))
    assert quiz.title == "on-tap"
    assert quiz.policy == QuizPolicy()
    assert [q.id for q in quiz.questions] == ["q1", "q2"]


def test_gift_file_without_questions(tmp_path):
    error = error_of(tmp_path, "// chỉ có chú thích\n", "trong.gift")
    assert "ít nhất một câu hỏi" in error.message
