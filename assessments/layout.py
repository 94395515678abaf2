"""Draw and shuffle an attempt's questions and options."""

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from assessments.model import Quiz


@dataclass(frozen=True)
class AttemptLayout:
    """What one attempt shows: drawn question ids in order, and each question's key order."""

    question_ids: tuple[str, ...]
    option_orders: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "question_ids", tuple(self.question_ids))
        orders = {key: tuple(order) for key, order in self.option_orders.items()}
        object.__setattr__(self, "option_orders", MappingProxyType(orders))

    def to_dict(self) -> dict[str, object]:
        """Return a JSON-serialisable form."""
        return {
            "question_ids": list(self.question_ids),
            "option_orders": {key: list(order) for key, order in self.option_orders.items()},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> "AttemptLayout":
        """Rebuild a layout from to_dict() output (ValueError if malformed)."""
        ids = data.get("question_ids")
        orders = data.get("option_orders", {})
        if not isinstance(ids, list) or not all(isinstance(item, str) for item in ids):
            raise ValueError("question_ids must be a list of strings")
        if not isinstance(orders, Mapping):
            raise ValueError("option_orders must be a mapping")
        for key, order in orders.items():
            valid = isinstance(order, list) and all(isinstance(item, str) for item in order)
            if not isinstance(key, str) or not valid:
                raise ValueError("option_orders must map strings to lists of strings")
        return cls(tuple(ids), orders)


def _shuffle_out_of_order(keys: list[str], rng: random.Random) -> list[str]:
    """Shuffle keys so that, when there are two or more, they never stay in the given order."""
    shuffled = list(keys)
    if len(set(keys)) < 2:
        return shuffled
    while shuffled == keys:
        rng.shuffle(shuffled)
    return shuffled


def build_layout(quiz: Quiz, rng: random.Random) -> AttemptLayout:
    """Draw `policy.draw` questions (0 = all) and shuffle questions and options per policy."""
    policy = quiz.policy
    ids = [question.id for question in quiz.questions]
    if 0 < policy.draw < len(ids):
        drawn = set(rng.sample(ids, policy.draw))
        ids = [question_id for question_id in ids if question_id in drawn]
    if policy.shuffle_questions:
        rng.shuffle(ids)
    orders: dict[str, tuple[str, ...]] = {}
    for question_id in ids:
        question = quiz.question(question_id)
        keys = list(question.layout_keys())
        if not keys:
            continue
        if question.always_shuffled:
            keys = _shuffle_out_of_order(keys, rng)
        elif policy.shuffle_options:
            rng.shuffle(keys)
        orders[question_id] = tuple(keys)
    return AttemptLayout(tuple(ids), orders)
