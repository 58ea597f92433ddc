"""The language of an article: what its text is written in, and what the page declares.

Pages declare a language in ``<html lang>``, JSON-LD ``inLanguage`` or meta tags, and some
declare it wrongly (a site template's default, a charset name in ``content-language``). The
text decides when it is long enough to tell; the declaration is kept when it agrees, since it
may be more precise (``nb`` for Norwegian Bokmål). py3langid (97 languages) does the reading.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import Any

__all__ = ["article_language", "detect_language"]

_CODE_RE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_]|$)")
_SAMPLE = 1000  # characters read from the text: as decisive as the whole on the corpus
_MIN_TEXT = 200  # characters: below this the text does not decide
_SURE = 0.9  # probability above which the text overrides a declared language
# codes that name one language as far as the text can tell
_SAME = ({"no", "nb", "nn"}, {"sr", "hr", "bs", "sh"}, {"ms", "id"})


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float] | None:
    """ISO 639-1 code and probability of ``text``'s language, or None when it is too short."""
    if len(text) < _MIN_TEXT:
        return None
    code, probability = _identifier().classify(text[:_SAMPLE])
    return str(code), float(probability)


def _declared(values: Iterable[str | None]) -> str | None:
    for value in values:
        m = _CODE_RE.match(value.strip()) if value else None
        if m is None:
            continue
        code = m.group(1).lower()
        if len(code) == 2 or code in _identifier().labels:
            return code  # a three-letter "code" is often a charset ("utf-8")
    return None


def _same(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _SAME)


def article_language(declared: Iterable[str | None], text: str | None) -> str | None:
    """The first valid declared code, unless the text is surely in another language."""
    code = _declared(declared)
    found = detect_language(text) if text else None
    if found is None:
        return code
    detected, probability = found
    if code is not None and (_same(code, detected) or probability < _SURE):
        return code
    return detected if probability >= 0.5 or code is None else code
