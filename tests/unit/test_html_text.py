"""FAQ answers written in HTML become the Markdown the chat shows."""

from __future__ import annotations

import pytest

from knowledge_base.html_text import html_to_markdown, looks_like_html


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<p>We ship to <strong>all EU countries</strong>.</p>\n\n<p>See our "
         '<a href="https://shop.example/shipping">shipping page</a> &amp; FAQ.</p>',
         "We ship to **all EU countries**.\n\nSee our [shipping page](https://shop.example/shipping) & FAQ."),
        ("<h2>Returns</h2>\n<ul>\n <li>Within 30 days</li>\n <li>Unworn<ul><li>shoes in their box</li></ul></li>"
         "\n</ul><ol><li>Sign in</li><li>Choose the order</li></ol>",
         "**Returns**\n\n- Within 30 days\n- Unworn\n  - shoes in their box\n\n1. Sign in\n2. Choose the order"),
        ("<p>Line one<br>Line two<br/>Line&nbsp;three</p>", "Line one\nLine two\nLine three"),
        ("<table><tr><th>Size</th><th>EU</th></tr><tr><td>S</td><td>36</td></tr></table>", "Size | EU\nS | 36"),
        ("<p><em>Note</em> and <b> bold </b>text<b></b>.</p>", "*Note* and **bold** text."),
        ("<p><b> </b>x and <strong>&nbsp;</strong>y, <b>left open</p>", "x and y, **left open**"),
        ('<div class="x"><P>Upper-case tags</P></div>', "Upper-case tags"),
    ],
)
def test_html_becomes_markdown(html, markdown):
    assert looks_like_html(html)
    assert html_to_markdown(html) == markdown


def test_scripts_styles_images_and_unsafe_links_leave_only_their_words():
    html = ('<style>p {color: red}</style><p>Hi<script>alert(1)</script> <img src="x.png" alt="logo">'
            '<a href="javascript:alert(1)">click</a> <a href="/faq">here</a></p>')
    assert html_to_markdown(html) == "Hi click here"


def test_a_link_target_cannot_close_the_markdown_link_early():
    html = '<p><a href="https://ok.example) [x](javascript:alert(1)">click [me]</a></p>'
    assert html_to_markdown(html) == "[click \\[me\\]](https://ok.example%29%20%5Bx%5D%28javascript:alert%281%29)"


@pytest.mark.parametrize("text", ["I <3 this shop", "orders < 50 EUR ship for 4.95 > free above", "Use **Markdown**",
                                  "Returns:\n- pack the item<br>\n- print the **free** label <b>today</b>"])
def test_plain_text_is_not_taken_for_html(text):
    assert not looks_like_html(text)
