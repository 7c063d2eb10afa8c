"""FAQ answers written in HTML (a help centre's or a shop system's export) turned into Markdown.

The chat shows answers as Markdown and escapes HTML, so ``<p>We ship ...</p>`` would reach the customer
with its tags, and the tags' words would be searched. Paragraphs, line breaks, headings, lists, links,
bold and italics become their Markdown; tables become one line per row; scripts, styles and images are
dropped; entities (``&amp;``, ``&nbsp;``) become their characters. Text without HTML tags is left alone,
so ``<3`` or ``a < b`` in a plain answer stays as written. Only text with block tags (paragraphs, lists,
headings, tables) counts as HTML: a Markdown answer with a stray ``<br>`` or ``<b>`` is kept as written.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK_TAG = re.compile(r"</?(p|div|ul|ol|li|h[1-6]|table|tr|td|th|blockquote)(\s[^<>]*)?/?>", re.IGNORECASE)
_BLOCKS = {"p", "div", "ul", "ol", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
_DROPPED = {"script", "style", "head", "title", "noscript"}
_LINK_SCHEMES = ("http://", "https://", "mailto:", "tel:")


def looks_like_html(text: str) -> bool:
    return bool(_BLOCK_TAG.search(text or ""))


def html_to_markdown(text: str) -> str:
    converter = _Converter()
    converter.feed(text)
    converter.close()
    return converter.markdown()


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._out: list[str] = []
        self._lists: list[list] = []  # per open list: [ordered, items so far]
        self._links: list[str | None] = []
        self._dropping = 0
        self._cells_in_row = 0
        self._pending_lines = 0
        self._opened = False  # an emphasis marker was just written, before any text
        self._open_marks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self._dropping += 1
        elif tag in ("ul", "ol"):
            self._break(1 if self._lists else 2)
            self._lists.append([tag == "ol", 0])
        elif tag in _BLOCKS:
            self._break(2)
            if _is_heading(tag):
                self._open_emphasis("**")
        elif tag == "br":
            self._break(1)
        elif tag == "li":
            self._list_item()
        elif tag in ("b", "strong", "i", "em"):
            self._open_emphasis(_MARKERS[tag])
        elif tag == "a":
            self._open_link(dict(attrs).get("href"))
        elif tag == "tr":
            self._break(1)
            self._cells_in_row = 0
        elif tag in ("td", "th"):
            if self._cells_in_row:
                self._emit(" | ")
            self._cells_in_row += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr", "img"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropping = max(0, self._dropping - 1)
        elif tag in ("ul", "ol"):
            if self._lists:
                self._lists.pop()
            self._break(1 if self._lists else 2)
        elif tag in _BLOCKS:
            if _is_heading(tag):
                self._close_emphasis("**")
            self._break(2)
        elif tag in ("b", "strong", "i", "em"):
            self._close_emphasis(_MARKERS[tag])
        elif tag == "a" and self._links:
            href = self._links.pop()
            if href:
                self._emit(f"]({href})")

    def handle_data(self, data: str) -> None:
        text = re.sub(r"\s+", " ", data.replace("\u00a0", " "))
        if self._dropping or not text or (text == " " and (self._pending_lines or not self._out)):
            return
        if self._opened and text.startswith(" "):  # "<b> bold</b>": the space goes before the marker
            self._out[-1] = " " + self._out[-1].lstrip()
            text = text.lstrip()
            if not text:
                return
        if any(self._links):  # link text: brackets would end the Markdown link early
            text = text.replace("[", "\\[").replace("]", "\\]")
        self._emit(text)

    def _open_emphasis(self, marker: str) -> None:
        self._emit(marker)
        self._opened = True
        self._open_marks.append(marker)

    def _close_emphasis(self, marker: str) -> None:
        if marker not in self._open_marks:
            return
        self._open_marks.remove(marker)
        if self._opened:  # around nothing: drop the opening marker
            self._out[-1] = self._out[-1][: -len(marker)]
            self._opened = False
            return
        trailing = bool(self._out) and self._out[-1].endswith(" ")
        if trailing:
            self._out[-1] = self._out[-1].rstrip(" ")
        self._emit(marker + (" " if trailing else ""))

    def _emit(self, text: str) -> None:
        if self._pending_lines and self._out:
            self._out.append("\n" * self._pending_lines)
        self._pending_lines = 0
        self._opened = False
        self._out.append(text)

    def _break(self, lines: int) -> None:
        """At least ``lines`` line breaks before the next text: breaks in a row do not add up."""
        self._pending_lines = max(self._pending_lines, lines)

    def _list_item(self) -> None:
        self._break(1)
        if not self._lists:
            self._emit("- ")
            return
        current = self._lists[-1]
        current[1] += 1
        indent = "  " * (len(self._lists) - 1)
        self._emit(f"{indent}{current[1]}. " if current[0] else f"{indent}- ")

    def _open_link(self, href: str | None) -> None:
        usable = _safe_target(href)
        self._links.append(usable)
        if usable:
            self._emit("[")

    def markdown(self) -> str:
        self._pending_lines = 0  # breaks at the very end: the markers of tags left open go before them
        for marker in reversed(list(self._open_marks)):
            self._close_emphasis(marker)
        lines = "".join(self._out).replace("\u00a0", " ").split("\n")
        return re.sub(r"\n{3,}", "\n\n", "\n".join(_tidy(line) for line in lines)).strip()


_MARKERS = {"b": "**", "strong": "**", "i": "*", "em": "*"}


def _safe_target(href: str | None) -> str | None:
    """A web, mailto or tel address, with the characters that would end a Markdown link encoded; None for
    any other (javascript:, relative paths)."""
    target = (href or "").strip()
    if not target.lower().startswith(_LINK_SCHEMES):
        return None
    return re.sub(r"[\s()<>\[\]]", lambda m: f"%{ord(m.group(0)):02X}", target)


def _is_heading(tag: str) -> bool:
    return tag[0] == "h" and tag[1:].isdigit()


def _tidy(line: str) -> str:
    """Spaces collapsed and trimmed; a nested list item keeps its indent."""
    body = re.sub(r"[ \t]+", " ", line).strip()
    indent = len(line) - len(line.lstrip(" "))
    return " " * indent + body if indent and re.match(r"(- |\d+\. )", body) else body
