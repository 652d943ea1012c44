"""Comments naming a group: the lexicon and the error rates reported beside the others'."""

import numpy as np
import pytest

from models.evaluation import group_error_rates, group_summary
from models.groups import names_group


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Les Musulmans de ma ville ont organisé la collecte.", True),
        ("Je d é t e s t e les f e m m e s", True),
        ("L'Arabe du coin est ouvert le dimanche", True),
        ("Les réfugiés et les IMMIGRÉES", True),
        ("Une aide pour les handicapés", True),
        # Words that only contain a group word, and slurs, are not neutral mentions of a group.
        ("un arabesque, une femmelette, son homologue", False),
        ("bougnoule", False),
        ("Merci pour cet article sur le budget.", False),
    ],
)
def test_group_words_are_found_through_spelling_tricks(text: str, named: bool) -> None:
    assert names_group(text) is named


def test_group_error_rates_compare_the_rows_naming_a_group_with_the_others() -> None:
    y = np.array([0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1])
    p = np.array([0.9, 0.8, 0.7, 0.1, 0.9, 0.2, 0.9, 0.1, 0.1, 0.1, 0.9, 0.9])
    named = np.array([True] * 6 + [False] * 6)
    rates = group_error_rates(y, p, 0.5, named)
    assert rates == {
        "rows": 6, "acceptable": 4,
        "acceptable_flagged": 0.75, "others_acceptable_flagged": 0.25,
        "toxic_missed": 0.5, "others_toxic_missed": 0.0,
    }
    assert group_summary(rates) == (
        "naming a group: 6 rows (4 acceptable); acceptable flagged 75% (others 25%), toxic missed 50% (others 0%)"
    )


def test_group_error_rates_without_such_rows_are_unknown_not_zero() -> None:
    rates = group_error_rates(np.array([0, 1]), np.array([0.2, 0.8]), 0.5, np.array([False, False]))
    assert rates["rows"] == 0 and rates["acceptable_flagged"] is None and rates["toxic_missed"] is None
    assert "flagged n/a" in group_summary(rates)
