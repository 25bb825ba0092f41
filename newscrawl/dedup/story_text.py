"""The text a story is fingerprinted on: body lines minus junk lines and the repeated headline."""

from __future__ import annotations


def story_text(title: str | None, body: str | None, strip_junk: bool = True) -> str:
    """Story lines of ``body``, one per line, without junk lines or the repeated headline.

    The junk rules are idempotent, so bodies already cleaned by the junk pipeline pass unchanged
    while exports from other tools get the same treatment as our own items.
    """
    if not strip_junk:
        return body or ""  # blank lines and indentation mean nothing to the fingerprints
    if not body or body.isspace():
        return ""
    from newscrawl.text.junk import story_lines  # imported on first use: it loads rule files

    lines = [line for line in body.splitlines() if line]  # paragraphs come separated by blank lines
    return "\n".join(story_lines(lines, title=title or None))
