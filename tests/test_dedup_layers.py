"""Unit tests of the dedup layers: URL keys, fingerprints, verification."""

from __future__ import annotations

import re

import numpy as np
import pytest

from newscrawl.dedup.engine import Document, prepare
from newscrawl.dedup.fingerprint import (
    LEAD_ANCHORS,
    MAX_SKETCH_SENTENCES,
    SKELETON_HAS_FACTS,
    SPREAD_ANCHORS,
    Fingerprint,
    fingerprint_batch,
)
from newscrawl.dedup.urlkey import is_article_key, url_key
from newscrawl.dedup.verify import serialized_similarity
from tests.sketches import Sketch, similarity

URL_KEYS = [
    ("https://www.example.com/news/story-1/", "example.com/news/story-1"),
    ("http://example.com/news/story-1", "example.com/news/story-1"),
    ("https://m.example.com/news/story-1?utm_source=x&fbclid=y", "example.com/news/story-1"),
    ("https://example.com/news/story-1#comments", "example.com/news/story-1"),
    ("https://EXAMPLE.com:443/news/story-1", "example.com/news/story-1"),
    ("https://example.com/news/story-1/amp", "example.com/news/story-1"),
    ("https://amp.example.com/amp/news/story-1", "example.com/news/story-1"),
    ("https://example.com/news/story-1.amp.html", "example.com/news/story-1.html"),
    ("https://example.com/news/story-1?outputType=amp", "example.com/news/story-1"),
    ("https://example.com/news/story-1?amp=1&id=4", "example.com/news/story-1?id=4"),
    ("https://example.com/article?b=2&a=1", "example.com/article?a=1&b=2"),
    ("https://example.com//news//story-1", "example.com/news/story-1"),
    ("https://example.com/campaign/ample-story", "example.com/campaign/ample-story"),
    ("ftp://example.com/file", None),
    ("not a url", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("url", "expected"), URL_KEYS)
def test_url_key(url: str | None, expected: str | None) -> None:
    assert url_key(url) == expected


def test_home_page_is_no_article_key() -> None:
    assert not is_article_key(url_key("https://www.example.com/") or "")
    assert is_article_key(url_key("https://example.com/a") or "")


STORY = (
    "WASHINGTON (AP) — The U.S. Senate voted 52-48 on Tuesday to approve the plan. "
    '"This is a good day," said Sen. Jane Doe of Ohio.\n\n'
    "Critics warned the costs would rise in the coming years.\n\n"
    "The measure now goes to the House, where its future is uncertain."
)


def one(text: str) -> Fingerprint:
    return fingerprint_batch([text])[0]


def stored(fingerprint: Fingerprint) -> Sketch:
    """What the index keeps of the text: its sketch, as rows."""
    return Sketch.from_bytes(fingerprint.sketch)


def test_typography_does_not_change_sentences() -> None:
    curly = STORY.replace('"This', "\u201cThis").replace('day,"', "day,\u201d").replace("—", "--")
    assert one(curly).exact == one(STORY).exact
    assert stored(one(curly)).rows["sentence"].tolist() == stored(one(STORY)).rows["sentence"].tolist()


def test_paragraph_splits_and_merges_do_not_change_sentences() -> None:
    merged = STORY.replace("\n\n", " ")
    split = STORY.replace("plan. ", "plan.\n\n")
    assert one(merged).exact == one(split).exact == one(STORY).exact


def test_case_and_spacing_are_ignored() -> None:
    assert one(STORY.upper().replace(" ", "  ")).exact != 0
    assert one("Hello   there, World.").exact == one("hello there world.").exact


def test_template_sentences_share_a_skeleton_but_not_a_hash() -> None:
    adams = one("Gas prices in Adams County averaged $3.45 on Monday, up 3 cents.")
    baker = one("Gas prices in Baker County averaged $3.52 on Monday, up 4 cents.")
    assert stored(adams).rows["sentence"][0] != stored(baker).rows["sentence"][0]
    assert stored(adams).rows["skeleton"][0] == stored(baker).rows["skeleton"][0] != 0


def test_sentence_opening_capital_is_blanked_but_no_fact() -> None:
    plain = stored(one("The council met again tonight to talk about roads.")).rows["skeleton"][0]
    named = stored(one("The council met again tonight to talk about Main Street.")).rows["skeleton"][0]
    assert plain != 0 and not plain & SKELETON_HAS_FACTS
    assert named & SKELETON_HAS_FACTS
    assert stored(one("No capitals or digits here.")).rows["skeleton"][0] != 0
    assert stored(one("no capitals or digits here.")).rows["skeleton"][0] == 0


def test_template_sentences_opening_with_a_name_are_twins() -> None:
    first = stored(one("Tastonrod Almi added 8 rebounds as the Tigers improved.")).rows["skeleton"][0]
    second = stored(one("Loven Venta added 12 rebounds as the Tigers improved.")).rows["skeleton"][0]
    assert first == second


def test_batches_give_the_same_result_as_single_texts() -> None:
    texts = [STORY, "", "Short line.", STORY.replace("52-48", "60-40"), "a\x00b c. D e f."]
    batch = fingerprint_batch(texts)
    for text, fingerprint in zip(texts, batch, strict=True):
        alone = one(text)
        assert fingerprint.exact == alone.exact
        assert fingerprint.simhash == alone.simhash
        assert fingerprint.anchors == alone.anchors
        assert stored(fingerprint).rows.tobytes() == stored(alone).rows.tobytes()


def test_titles_fingerprinted_alongside_give_each_text_its_headline() -> None:
    """A title rides in its texts' pass: its sketch headline is the first sentence row the title has as a
    text of its own, and the title's words are those of its own tokens."""
    texts = [STORY, "", "Short line.", STORY]
    titles = ["Council approves budget 52-48. Residents react", "", "A title", "Ünïcode “quoted” headline"]
    together = fingerprint_batch(texts, titles)
    for text, title, fingerprint in zip(texts, titles, together, strict=True):
        assert (
            stored(fingerprint).rows.tobytes() == stored(one(text)).rows.tobytes()
        )  # texts unchanged by titles
        alone, kept = stored(one(title)), stored(fingerprint)
        assert kept.headline.tobytes() == alone.rows[:1].tobytes()
        assert kept.headline_shape == (alone.shapes[0] if alone.shapes else 0)
        assert len(kept.title_words) == len(re.findall(r"\w+", title))
    untitled = stored(one(STORY))
    assert (len(untitled.headline), len(untitled.title_words)) == (0, 0)
    with pytest.raises(ValueError):
        fingerprint_batch(texts, titles[:2])


def test_empty_text() -> None:
    empty = one("")
    assert (empty.token_count, empty.exact, empty.simhash, empty.anchors, len(stored(empty).rows)) == (
        0,
        0,
        0,
        (),
        0,
    )
    assert empty.simhash_hex == "0000000000000000"


def test_simhash_is_16_hex_digits_and_close_for_close_texts() -> None:
    long_story = "\n\n".join(
        f"Paragraph number {n} tells the story of Riverside in detail." for n in range(30)
    )
    base, edited = one(long_story), one(long_story + "\n\nOne more closing line about the town.")
    assert len(base.simhash_hex) == 16
    assert bin(base.simhash ^ edited.simhash).count("1") < 16


def test_anchors_are_bounded_and_lead_with_the_first_sentences() -> None:
    text = "\n\n".join(f"Sentence {n} of the story has quite a few words in it." for n in range(80))
    fingerprint = one(text)
    assert len(fingerprint.anchors) == LEAD_ANCHORS + SPREAD_ANCHORS
    assert fingerprint.anchors[0] == int(stored(fingerprint).rows["sentence"][0]) >> 1
    assert len(stored(fingerprint).rows) == MAX_SKETCH_SENTENCES


def test_title_words_ignore_case_and_punctuation() -> None:
    first, second = fingerprint_batch([STORY, STORY], ["Biden’s plan, explained", "BIDEN'S PLAN EXPLAINED"])
    first_words = Sketch.from_bytes(first.sketch).title_words
    assert first_words.tolist() == Sketch.from_bytes(second.sketch).title_words.tolist()
    assert len(first_words) == 4


def sketch(title: str, body: str) -> Sketch:
    prepared = prepare([Document(url="https://example.com/a", title=title, body=body)], strip_junk=False)[0]
    return Sketch.from_bytes(prepared.claim.sketch)


def paragraphs(count: int, place: str = "Riverside") -> list[str]:
    return [
        f"Officials in {place} reviewed item {n} of the plan, which covers {n * 3} roads and bridges in total."
        for n in range(count)
    ]


def test_trimmed_copy_with_intro_and_note_matches() -> None:
    full = paragraphs(30)
    trimmed = ["Readers in Lakeside asked us about this story, so here it is again for them.", *full[:10]]
    trimmed.append("Editor's note: this story first ran in the Valley Banner newspaper.")
    score = similarity(sketch("Plan reviewed", "\n\n".join(full)), sketch("Other head", "\n\n".join(trimmed)))
    assert score > 0.8


def test_templated_stories_with_other_facts_do_not_match() -> None:
    template = [
        "Gas prices in {place} County averaged ${price} per gallon on Monday, {cents} cents higher than a week ago.",
        "The lowest price in {place} County was ${low} at a station on {street} Road.",
        "Analysts said prices typically move with the cost of crude oil and with seasonal demand.",
        "Prices at the pump often rise ahead of holiday weekends, when more families take to the road.",
        "The survey tracks prices at thousands of stations and is updated every morning before sunrise.",
        "Drivers can compare prices at stations near them with the motor club mobile application.",
    ]
    adams = "\n\n".join(
        line.format(place="Adams", price="3.45", cents=3, low="3.10", street="Elm") for line in template
    )
    baker = "\n\n".join(
        line.format(place="Baker", price="3.52", cents=5, low="3.29", street="Oak") for line in template
    )
    assert (
        similarity(sketch("Gas prices in Adams County", adams), sketch("Gas prices in Baker County", baker))
        == 0.0
    )
    assert similarity(sketch("Gas prices in Adams County", adams), sketch("Gas prices", adams)) == 1.0


def test_templated_stories_differing_in_plain_words_do_not_match() -> None:
    template = [
        "Expect {sky} skies in {place} on {day}, with a high near {high} degrees and {wind} winds.",
        "Overnight the temperature will drop to around {low} degrees under {night} skies.",
        "Forecasters said conditions can change quickly this time of year, so plans should stay flexible.",
        "Residents are encouraged to check the latest forecast before traveling and to dress in layers.",
        "Sign up for weather alerts on the county emergency management website to get notified.",
        "Local schools announce any delays or closings on their websites and social media pages.",
    ]
    first = dict(sky="sunny", place="Adams", day="Monday", high=71, wind="light", low=50, night="clear")
    second = dict(sky="cloudy", place="Baker", day="Friday", high=64, wind="gusty", low=48, night="hazy")
    bodies = ["\n\n".join(line.format(**values) for line in template) for values in (first, second)]
    titles = [f"{values['place']} weather: {values['sky']} on {values['day']}" for values in (first, second)]
    assert similarity(sketch(titles[0], bodies[0]), sketch(titles[1], bodies[1])) == 0.0


def test_brief_quoting_one_paragraph_does_not_match() -> None:
    story = paragraphs(20)
    brief = [
        "In other news, the county fair opens on Friday with rides and food stands for families.",
        story[12],
        "Tickets are available at the gate and cost less than last year for children under twelve.",
    ]
    assert similarity(sketch("Plan", "\n\n".join(story)), sketch("Fair opens", "\n\n".join(brief))) == 0.0


def test_thin_texts_need_matching_titles() -> None:
    notice = "Subscribe today to keep reading our local news coverage. Already a subscriber? Log in here to continue."
    first, second = sketch("Jane Doe obituary", notice * 3), sketch("Council budget vote", notice * 3)
    assert similarity(first, second) == 0.0
    assert similarity(first, sketch("Jane Doe obituary", notice * 3)) == 1.0


def test_too_short_texts_are_not_comparable() -> None:
    prepared = prepare(
        [Document(url="https://example.com/a", title="T", body="Just a few words here.")], False
    )[0]
    assert prepared.claim.sketch == b""
    assert prepared.claim.anchors == ()
    assert serialized_similarity(b"", b"") == 0.0


def test_sketch_round_trip() -> None:
    original = sketch("A title here", "\n\n".join(paragraphs(60)))
    again = Sketch.from_bytes(original.to_bytes())
    assert again.rows.tobytes() == original.rows.tobytes()
    assert np.array_equal(again.title_words, original.title_words)
    assert len(original.to_bytes()) <= 3 + 9 * MAX_SKETCH_SENTENCES + 4 * 255


def test_bodies_cleaned_by_the_crawl_are_not_stripped_again() -> None:
    from newscrawl.commands.dedup import _document

    body = "\n\n".join(
        ["READ MORE: Council coverage"]
        + [f"Sentence number {n} of the story about the council." for n in range(12)]
    )
    foreign = _document({"url": "https://a.example/x", "title": "T", "body": body})
    ours = _document(
        {
            "url": "https://a.example/x",
            "title": "T",
            "body": body,
            "simhash": "0123456789abcdef",
            "crawled_at": "2026-11-29T00:00:00+00:00",
        }
    )
    assert not foreign.cleaned and ours.cleaned
    cleaned, raw = prepare([foreign])[0], prepare([ours])[0]
    assert cleaned.simhash != raw.simhash  # the junk line counted only where the rules did not run
