"""Built-in question types, registered in `assessments.registry.registry` on import."""

from assessments.questions.arrange import Matching, Ordering
from assessments.questions.choice import MultipleChoice, SingleChoice, TrueFalse
from assessments.questions.entry import Numeric, ShortAnswer

__all__ = [
    "Matching",
    "MultipleChoice",
    "Numeric",
    "Ordering",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
]
