"""Moodle GIFT import and export.

Export then import is lossless for every type GIFT has: a `// assessments: {...}` comment
line before a question keeps what GIFT cannot say (points, competence, all-or-nothing
scoring, ignore_diacritics, question-level feedback, option ids); Moodle ignores it.
Ordering questions have no GIFT form and are skipped with a warning.

What Moodle itself (or any tool that drops the comment) does not keep: points (its default
mark is used), competence, all-or-nothing scoring of multiple_choice and matching (Moodle
grades them per option / per pair), ignore_diacritics, question-level feedback other than
true_false's, option ids (they come back as a, b, c, ...); a '->' in a matching left side
or a short answer shows as '-\\>'.

Import from Moodle files, with a warning each time: essay and description questions are
skipped; HTML becomes plain text (images keep only their alt text); partial weights in a
single-answer question, short answers and numeric answers under 100% (including the `*`
catch-all) are dropped; multiple-answer weights are mapped to the partial formula of
DESIGN §5; `*` in a short answer is literal; several different per-answer feedbacks of a
short answer keep only the first. Titles become ids (slugs of the title); the title text
itself and $CATEGORY lines are not kept. Two `=` answers in a single-answer question is
an error.
"""

from assessments.gift.reader import GiftImport, parse_gift
from assessments.gift.writer import GiftExport, write_gift

__all__ = ["GiftExport", "GiftImport", "parse_gift", "write_gift"]
