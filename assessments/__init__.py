"""Quiz engine: question types, grading, layouts, quiz files, GIFT, item analysis.

A plain library (no Flask, no SQLAlchemy, no lms): data in, results out.
"""

from assessments.analysis import ItemAnalysis, ItemStats, analyse_items
from assessments.checks import check_answerable
from assessments.errors import InvalidField, QuizFormatError
from assessments.gift import GiftExport, GiftImport, parse_gift, write_gift
from assessments.grading import AttemptResult, grade_attempt, grade_question
from assessments.layout import AttemptLayout, build_layout
from assessments.loading import load_quiz_file
from assessments.model import (
    Choice,
    Feedback,
    Option,
    Pair,
    Question,
    QuestionResult,
    Quiz,
    QuizPolicy,
)
from assessments.questions import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from assessments.quizfile import parse_quiz, question_to_dict, quiz_to_dict
from assessments.registry import QuestionRegistry, registry
from assessments.text import fold_diacritics, normalise_answer

__all__ = [
    "AttemptLayout",
    "AttemptResult",
    "Choice",
    "Feedback",
    "GiftExport",
    "GiftImport",
    "InvalidField",
    "ItemAnalysis",
    "ItemStats",
    "Matching",
    "MultipleChoice",
    "Numeric",
    "Option",
    "Ordering",
    "Pair",
    "Question",
    "QuestionRegistry",
    "QuestionResult",
    "Quiz",
    "QuizFormatError",
    "QuizPolicy",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "analyse_items",
    "build_layout",
    "check_answerable",
    "fold_diacritics",
    "grade_attempt",
    "grade_question",
    "load_quiz_file",
    "normalise_answer",
    "parse_gift",
    "parse_quiz",
    "question_to_dict",
    "quiz_to_dict",
    "registry",
    "write_gift",
]
