"""parse_page gives the tree trafilatura's load_html gives, on its fast path and its slow one."""

from __future__ import annotations

import pytest
from lxml import etree
from trafilatura.utils import load_html

from archiver.extraction.parse import ExtractionError, parse_page

BODY = "<body><p>Caf\u00e9 \u4e2d\u6587 \U0001f600 text</p></body></html>"


@pytest.mark.parametrize(
    "html",
    [
        f"<!DOCTYPE html><html lang='en'>{BODY}",
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        f'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html>{BODY}',
        f"<html xmlns='http://www.w3.org/1999/xhtml'/>\n{BODY}",
        f"<html><head><meta charset='iso-8859-1'></head>{BODY}",
        f"<html>\x01\x0b{BODY}",
        f"<html>\ufffe{BODY}",
    ],
)
def test_same_tree_as_trafilatura(html: str) -> None:
    ours = parse_page(html, None)
    theirs = load_html(html.replace("\x01", "").replace("\x0b", ""))
    assert etree.tostring(ours) == etree.tostring(theirs)
    assert type(ours) is type(theirs)


def test_form_elements_keep_their_classes() -> None:
    tree = parse_page("<html><body><form><input value='1'><p>Text</p></form></body></html>", None)
    assert type(tree.find(".//form")).__name__ == "FormElement"
    assert type(tree.find(".//input")).__name__ == "InputElement"


def test_fragment_without_html_is_rejected() -> None:
    with pytest.raises(ExtractionError):
        parse_page("<p>a fragment</p>", None)
