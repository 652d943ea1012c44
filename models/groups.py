"""Words naming a group, to measure how the classifier treats comments about groups.

Classifiers trained on hate-speech data learn that naming a group is itself a sign of
toxicity, and then flag the comments that defend or merely mention it. This list lets
every evaluation report the error rates of comments that name a group beside those of
the rest. It is used for measurement only: the features do not read it.

The groups are those French law protects from discrimination (origin, religion, sex,
sexual orientation, gender identity, disability), in normalised spelling (see
``models.normalize``) with plural and feminine forms. Slurs are not here: a comment
holding one is not a neutral mention.
"""

from __future__ import annotations

import re

from models.normalize import normalize

_WORDS = (
    r"femmes? hommes? trans transgenres? transsexuel(?:le)?s? homos? homosexuel(?:le)?s? gays? "
    r"lesbiennes? bisexuel(?:le)?s? lgbtq?i? noir(?:e|es|s)? blacks? blanc(?:he|hes|s)? arabes? "
    r"maghrebin(?:e|es|s)? africain(?:e|es|s)? asiatiques? chinois(?:es?)? juif(?:s)? juives? "
    r"musulman(?:e|es|s)? chretien(?:ne|nes|s)? catholiques? roms? gitan(?:e|es|s)? tsiganes? "
    r"immigre(?:e|es|s)? immigrant(?:e|es|s)? migrant(?:e|es|s)? refugie(?:e|es|s)? "
    r"etranger(?:e|es|s)? handicape(?:e|es|s)?"
).split()
_GROUP = re.compile(r"\b(?:" + "|".join(_WORDS) + r")\b")


def names_group(text: str) -> bool:
    """Whether ``text`` (raw) names a group, whatever its case, accents or spelling tricks."""
    return _GROUP.search(normalize(text)) is not None
