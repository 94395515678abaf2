"""GIFT (Moodle) import and export: real-world samples, escapes, warnings, round trip."""

import pytest

from assessments import (
    Feedback,
    Matching,
    MultipleChoice,
    Numeric,
    Option,
    Ordering,
    Pair,
    QuizFormatError,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    parse_gift,
    write_gift,
)

MOODLE_EXPORT = """\
// question: 0  name: Switch category to $course$/top/Mặc định cho Kỹ năng số
$CATEGORY: $course$/top/Mặc định cho Kỹ năng số

// question: 1235  name: Câu 1 - Thủ đô
::Câu 1 - Thủ đô::[html]<p>Thủ đô của nước Cộng hoà Xã hội Chủ nghĩa Việt Nam là
thành phố nào?</p>{
\t=<p>Hà Nội</p>#<p>Chính xác!</p>
\t~<p>Thành phố Hồ Chí Minh</p>#<p>Đây là thành phố <b>lớn nhất</b> cả nước.</p>
\t~<p>Đà Nẵng</p>
\t####<p>Hà Nội là thủ đô từ năm 1010 (thành Thăng Long).</p>
}

// question: 1236  name: Mật khẩu
::Mật khẩu::[html]Mật khẩu an toàn cần ít nhất 8 ký tự\\: chữ hoa, chữ thường, số và ký hiệu.{\
TRUE#Chưa đúng, mật khẩu ngắn rất dễ bị dò.#Đúng vậy!}

// question: 1237  name: Dấu hiệu lừa đảo
::Dấu hiệu lừa đảo::[html]<p>Những dấu hiệu nào cho thấy tin nhắn có thể là \
<strong>lừa đảo</strong>?</p>{
\t~%50%Giục chuyển tiền gấp
\t~%50%Gửi đường link lạ yêu cầu đăng nhập
\t~%-100%Tin nhắn từ số tổng đài chính thức
\t~%-100%Người quen gọi điện trực tiếp
}

// question: 1238  name: Số khẩn cấp
::Số khẩn cấp::Số điện thoại khẩn cấp của Công an là số mấy?{
\t=113#Đúng, gọi 113 khi cần công an.
\t=%0%*#Hãy nhớ số 113.
}

::OTP::Mã OTP thường gồm bao nhiêu chữ số?{#6:0}

::WTO::Việt Nam gia nhập WTO năm nào (sai lệch 1 năm vẫn tính)?{#2006..2008}

::Wifi::Để kết nối Wi-Fi, trước hết hãy mở {=Cài đặt ~Máy ảnh ~Danh bạ} trên điện thoại.

::Ứng dụng::Nối mỗi ứng dụng với việc nó làm.{
\t=Zalo -> Nhắn tin, gọi video
\t=VNeID -> Định danh điện tử
\t=Google Maps -> Tìm đường
\t= -> Chơi trò chơi
}

::Cảm nhận::Bạn thấy khoá học thế nào?{}

::Giới thiệu::Phần sau gồm các câu hỏi về an toàn trên mạng.

Ký hiệu \\# trong mã USSD \\{ví dụ *101\\#\\} dùng để làm gì?{
\t=Kết thúc mã lệnh
\t~Gọi tổng đài viên
}
"""


@pytest.fixture(scope="module")
def imported():
    return parse_gift(MOODLE_EXPORT, "kiem-tra.gift")


def by_id(imported, question_id):
    return next(q for q in imported.questions if q.id == question_id)


def test_moodle_export_questions(imported):
    assert [q.id for q in imported.questions] == [
        "cau-1-thu-do",
        "mat-khau",
        "dau-hieu-lua-dao",
        "so-khan-cap",
        "otp",
        "wto",
        "wifi",
        "ung-dung",
        "q9",
    ]


def test_html_single_choice(imported):
    question = by_id(imported, "cau-1-thu-do")
    assert question == SingleChoice(
        id="cau-1-thu-do",
        prompt="Thủ đô của nước Cộng hoà Xã hội Chủ nghĩa Việt Nam là thành phố nào?",
        options=(
            Option("a", "Hà Nội", True, "Chính xác!"),
            Option("b", "Thành phố Hồ Chí Minh", False, "Đây là thành phố lớn nhất cả nước."),
            Option("c", "Đà Nẵng"),
        ),
        explanation="Hà Nội là thủ đô từ năm 1010 (thành Thăng Long).",
    )


def test_true_false_with_feedback(imported):
    assert by_id(imported, "mat-khau") == TrueFalse(
        id="mat-khau",
        prompt="Mật khẩu an toàn cần ít nhất 8 ký tự: chữ hoa, chữ thường, số và ký hiệu.",
        answer=True,
        feedback=Feedback(correct="Đúng vậy!", incorrect="Chưa đúng, mật khẩu ngắn rất dễ bị dò."),
    )


def test_weighted_multiple_answers_become_partial_scoring(imported):
    question = by_id(imported, "dau-hieu-lua-dao")
    assert isinstance(question, MultipleChoice)
    assert question.scoring == "partial"
    assert question.correct_ids == ("a", "b")
    assert question.prompt == "Những dấu hiệu nào cho thấy tin nhắn có thể là lừa đảo?"


def test_short_answer_drops_zero_weight_wildcard(imported):
    assert by_id(imported, "so-khan-cap") == ShortAnswer(
        id="so-khan-cap",
        prompt="Số điện thoại khẩn cấp của Công an là số mấy?",
        answers=("113",),
        feedback=Feedback(correct="Đúng, gọi 113 khi cần công an."),
    )


def test_numeric_value_and_range(imported):
    assert by_id(imported, "otp") == Numeric(
        id="otp", prompt="Mã OTP thường gồm bao nhiêu chữ số?", value=6
    )
    wto = by_id(imported, "wto")
    assert (wto.value, wto.tolerance) == (2007, 1)
    assert wto.grade("2008").is_correct and not wto.grade("2009").is_correct


def test_missing_word_question(imported):
    question = by_id(imported, "wifi")
    assert question.prompt == "Để kết nối Wi-Fi, trước hết hãy mở _____ trên điện thoại."
    assert question.correct_response() == "a"


def test_matching_with_distractor(imported):
    assert by_id(imported, "ung-dung") == Matching(
        id="ung-dung",
        prompt="Nối mỗi ứng dụng với việc nó làm.",
        scoring="partial",
        pairs=(
            Pair("Zalo", "Nhắn tin, gọi video"),
            Pair("VNeID", "Định danh điện tử"),
            Pair("Google Maps", "Tìm đường"),
        ),
        distractors=("Chơi trò chơi",),
    )


def test_escapes_and_untitled_question(imported):
    question = by_id(imported, "q9")
    assert question.prompt == "Ký hiệu # trong mã USSD {ví dụ *101#} dùng để làm gì?"


def test_warnings_name_file_line_and_question(imported):
    warnings = "\n".join(imported.warnings)
    assert (
        "kiem-tra.gift:5: câu hỏi 'cau-1-thu-do': đã chuyển HTML thành văn bản thường" in warnings
    )
    assert "câu hỏi 'dau-hieu-lua-dao': trọng số các phương án khác công thức" in warnings
    assert "đáp án '*' có trọng số 0% nên đã bị bỏ qua" in warnings
    assert "câu hỏi 'cam-nhan': câu tự luận (essay) không được hỗ trợ" in warnings
    assert "câu hỏi 'gioi-thieu': không có phần đáp án" in warnings
    assert len(imported.warnings) == 6


def test_windows_line_endings_and_bom():
    text = "\ufeff::q1::Đúng hay sai?{T}\r\n\r\n::q2::Hai cộng hai?{#4}\r\n"
    assert [q.id for q in parse_gift(text).questions] == ["q1", "q2"]


def test_single_answer_with_partial_weight_warns():
    result = parse_gift("::q::Chọn{=Đúng ~%50%Gần đúng ~Sai}")
    assert result.questions[0].correct_ids == ("a",)
    assert "trọng số 50%" in result.warnings[0]


def test_duplicate_titles_get_distinct_ids():
    result = parse_gift("::Câu hỏi::A?{T}\n\n::Câu hỏi::B?{F}")
    assert [q.id for q in result.questions] == ["cau-hoi", "cau-hoi-2"]
    assert "đổi thành 'cau-hoi-2'" in result.warnings[0]


@pytest.mark.parametrize(
    ("text", "line", "question_id", "message"),
    [
        ("// đầu tệp\n\n::q1::Thiếu ngoặc{=a ~b\n", 3, "q1", "thiếu dấu '}'"),
        ("::q1 Không đóng tiêu đề{=a ~b}", 1, None, "thiếu '::' đóng tiêu đề"),
        ("::q1::Không có đáp án đúng{\n~a\n~b\n}", 1, "q1", "cần ít nhất một phương án đúng"),
        ("::q1::Hai đáp án đúng{=a =b ~c}", 1, "q1", "cần đúng một phương án đúng (đang có 2)"),
        ("::q1::Số{#abc}", 1, "q1", "đáp án số không hợp lệ 'abc'"),
        ("::q1::Nối{=a -> b =c}", 1, "q1", "'=vế trái -> vế phải'"),
        ("::q1::Trả lời{Hà Nội}", 1, "q1", "không nhận ra loại câu hỏi"),
        ("\n\n::q1::Trống{=}", 3, "q1", "không được để trống"),
    ],
)
def test_errors(text, line, question_id, message):
    with pytest.raises(QuizFormatError) as caught:
        parse_gift(text, "bai.gift")
    error = caught.value
    assert (error.source, error.line, error.question_id) == ("bai.gift", line, question_id)
    assert message in error.message


def test_meta_comment_errors_name_the_comment_line():
    text = '::q0::A{T}\n\n// assessments: {"points": "hai"}\n::q1::B{T}'
    with pytest.raises(QuizFormatError) as caught:
        parse_gift(text, "bai.gift")
    assert (caught.value.line, caught.value.field) == (3, "points")


README_QUESTIONS = (
    SingleChoice(
        id="q1",
        prompt="Biểu tượng nào dùng để gọi điện?",
        competence="0.2",
        options=(
            Option("a", "Hình chiếc điện thoại", True),
            Option("b", "Hình chiếc máy ảnh", False, "Đây là ứng dụng Máy ảnh."),
        ),
        feedback=Feedback(correct="Đúng rồi!", incorrect="Chưa đúng."),
        explanation="Ứng dụng Điện thoại thường có biểu tượng ống nghe.",
    ),
    MultipleChoice(
        id="q2",
        prompt="Những dấu hiệu nào cho thấy tin nhắn có thể là lừa đảo?",
        scoring="partial",
        options=(
            Option("a", "Giục chuyển tiền gấp", True),
            Option("b", "Gửi đường link lạ", True),
            Option("c", "Người quen gọi điện trực tiếp"),
        ),
    ),
    TrueFalse(id="q3", prompt="Mật khẩu nên đặt là ngày sinh cho dễ nhớ.", answer=False),
    ShortAnswer(id="q4", prompt="Số điện thoại khẩn cấp của Công an là số mấy?", answers=("113",)),
    Numeric(id="q5", prompt="Mã OTP gồm 6 chữ số. Có bao nhiêu chữ số?", value=6),
    Matching(
        id="q6",
        prompt="Nối mỗi ứng dụng với việc nó làm.",
        scoring="partial",
        pairs=(Pair("Zalo", "Nhắn tin, gọi video"), Pair("VNeID", "Định danh điện tử")),
        distractors=("Chơi trò chơi",),
    ),
    Ordering(id="q7", prompt="Sắp xếp các bước.", items=("Mở Cài đặt", "Chọn Wi-Fi")),
)

README_GIFT = (
    (
        '// assessments: {"competence": "0.2", '
        '"feedback": {"correct": "Đúng rồi!", "incorrect": "Chưa đúng."}}\n'
    )
    + """\
::q1::Biểu tượng nào dùng để gọi điện?{
\t=Hình chiếc điện thoại
\t~Hình chiếc máy ảnh#Đây là ứng dụng Máy ảnh.
\t####Ứng dụng Điện thoại thường có biểu tượng ống nghe.
}

::q2::Những dấu hiệu nào cho thấy tin nhắn có thể là lừa đảo?{
\t~%50%Giục chuyển tiền gấp
\t~%50%Gửi đường link lạ
\t~%-50%Người quen gọi điện trực tiếp
}

::q3::Mật khẩu nên đặt là ngày sinh cho dễ nhớ.{
\tFALSE
}

::q4::Số điện thoại khẩn cấp của Công an là số mấy?{
\t=113
}

::q5::Mã OTP gồm 6 chữ số. Có bao nhiêu chữ số?{
\t#6:0
}

::q6::Nối mỗi ứng dụng với việc nó làm.{
\t=Zalo -> Nhắn tin, gọi video
\t=VNeID -> Định danh điện tử
\t= -> Chơi trò chơi
}
"""
)


def test_write_gift_golden():
    exported = write_gift(README_QUESTIONS)
    assert exported.text == README_GIFT
    assert exported.warnings == (
        "câu hỏi 'q1': nhận xét theo kết quả chỉ lưu trong chú thích; Moodle không hiển thị",
        "câu hỏi 'q7' (sắp xếp thứ tự) không có dạng GIFT nên đã bị bỏ qua",
    )
    assert parse_gift(exported.text).questions == README_QUESTIONS[:-1]


def test_special_characters_round_trip():
    prompt = "Giá 100.000đ: {ưu đãi} #1 ~ = \\ C:\\new [html]\nDòng hai -> ba // bốn"
    question = SingleChoice(
        id="dac-biet",
        prompt=prompt,
        options=(Option("a", "%50% giảm giá", True, "a#b"), Option("b", "%50% tăng giá", False)),
        explanation="#### không phải phản hồi chung",
    )
    exported = write_gift([question])
    assert "\\{ưu đãi\\} \\#1 \\~ \\= \\\\ C\\:\\\\new [html]\\nDòng" in exported.text
    assert parse_gift(exported.text).questions == (question,)


def test_lossy_exports_warn_and_keep_data_in_the_comment():
    questions = [
        MultipleChoice(
            id="m", prompt="?", points=2, options=(Option("x", "A", True), Option("y", "B"))
        ),
        Matching(id="p", prompt="?", pairs=(Pair("a -> b", "1"), Pair("c", "2"))),
        ShortAnswer(id="s", prompt="?", answers=("ha->noi",), ignore_diacritics=True),
    ]
    exported = write_gift(questions)
    warnings = "\n".join(exported.warnings)
    assert "câu hỏi 'm': điểm (2) chỉ lưu trong chú thích" in warnings
    assert "câu hỏi 'm': GIFT không có cách chấm 'tất cả hoặc không'" in warnings
    assert "câu hỏi 'p': vế trái có '->'" in warnings
    assert "câu hỏi 's': Moodle không bỏ qua dấu" in warnings
    assert '"option_ids": ["x", "y"]' in exported.text
    assert parse_gift(exported.text).questions == tuple(questions)
