"""Rules of extraction, one table per rule family: text joining, dates, URLs, structured data, inputs."""

from __future__ import annotations

import json

import lxml.html
import pytest

from newscrawl.extraction import extract_article
from newscrawl.extraction.selectors import compile_selector
from newscrawl.extraction.text import paragraphs
from newscrawl.text.dates import normalize_date
from newscrawl.text.urls import absolute_url, strip_tracking

URL = "https://news.example/2024/05/02/story/"


def page(body: str = "", head: str = "", lang: str = "en") -> str:
    return f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def json_ld(value: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(value)}</script>'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>a<br>b</p>", ["a b"]),
        ("<p>one<br><br>two</p>", ["one", "two"]),
        ("<p>word<em>next</em> and <a href='#'>link</a>.</p>", ["word next and link."]),
        ("<p><span class='dropcap'>T</span>he start</p>", ["The start"]),
        ("<p>E = mc<sup>2</sup> (<i>roughly</i>)</p>", ["E = mc2 (roughly)"]),
        ("<p><a>Apple</a>'s chips</p>", ["Apple's chips"]),
        ("<div>bare text<p>para</p>tail text</div>", ["bare text", "para", "tail text"]),
        ("<ul><li>one</li><li>two</li></ul>", ["one", "two"]),
        ("<table><tr><td>cell</td><td>next</td></tr></table>", ["cell next"]),
        ("<p>  spaced \n\t out  </p><script>var x = 1;</script><p></p>", ["spaced out"]),
    ],
)
def test_text_nodes_are_joined_without_gluing_words(html: str, expected: list[str]) -> None:
    assert paragraphs([lxml.html.fragment_fromstring(html, create_parent="div")]) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-05-02T08:30:00-04:00", "2024-05-02T08:30:00-04:00"),
        ("2024-05-02T08:30:00Z", "2024-05-02T08:30:00+00:00"),
        ("2024-05-02T08:30:00.000+0000", "2024-05-02T08:30:00+00:00"),
        ("2024-05-02 08:30:00", "2024-05-02T08:30:00+00:00"),
        ("2024-05-02", "2024-05-02T00:00:00+00:00"),
        ("20240502", "2024-05-02T00:00:00+00:00"),
        ("Thu, 02 May 2024 08:30:00 -0400", "2024-05-02T08:30:00-04:00"),
        ("Thu, 02 May 2024 12:30:00 GMT", "2024-05-02T12:30:00+00:00"),
        ("May 2, 2024 8:30 a.m. EDT", "2024-05-02T08:30:00-04:00"),
        ("Updated: 3:04 PM EST November 18, 2019", "2019-11-18T15:04:00-05:00"),
        ("Apr 22, 2024", "2024-04-22T00:00:00+00:00"),
        ("1714638600", "2024-05-02T08:30:00+00:00"),
        ("", None),
        ("not a date", None),
        ("12345", None),
        ("Page 2 of 3", None),
    ],
)
def test_normalize_date(value: str, expected: str | None) -> None:
    assert normalize_date(value) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x?utm_source=fb&utm_medium=social", "https://a.example/x"),
        ("https://a.example/x?id=7&fbclid=abc&gclid=def", "https://a.example/x?id=7"),
        ("https://a.example/x?mc_cid=1&mc_eid=2&page=2", "https://a.example/x?page=2"),
        ("https://a.example/x?q=a+b&UTM_Campaign=z", "https://a.example/x?q=a+b"),
        ("https://a.example/x", "https://a.example/x"),
    ],
)
def test_strip_tracking(url: str, expected: str) -> None:
    assert strip_tracking(url) == expected


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/a/b", "https://news.example/a/b"),
        ("c", "https://news.example/2024/05/02/story/c"),
        ("//cdn.example/i.jpg", "https://cdn.example/i.jpg"),
        ("javascript:void(0)", None),
        ("#top", None),
        ("", None),
    ],
)
def test_absolute_url(href: str, expected: str | None) -> None:
    assert absolute_url(href, URL) == expected


def test_json_ld_graph_with_author_references_and_nested_lists() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            [{"@type": "WebSite", "@id": "#site", "name": "Example News"}],
            {"@type": "Person", "@id": "#jane", "name": "Jane Doe", "url": "https://news.example/author/jane/"},
            {"@type": ["NewsArticle"], "headline": "Headline &amp; more", "author": [{"@id": "#jane"},
             {"@type": "Person", "name": ["Luis de la Cruz"]}], "datePublished": "2024-05-02T08:30:00-04:00",
             "articleSection": ["Local", "Schools"], "keywords": "a, b ,a", "inLanguage": {"name": "en-US"},
             "image": [{"@type": "ImageObject", "contentUrl": "/img/lead.jpg", "caption": "Lead caption"}]},
        ],
    }
    result = extract_article(page("<h1>Other</h1>", json_ld(graph)), URL)
    assert result["title"] == "Headline & more"
    assert result["author_candidates"] == [
        {"value": "Jane Doe", "source": "jsonld"},
        {"value": "Luis de la Cruz", "source": "jsonld"},
        {"value": "https://news.example/author/jane/", "source": "url"},
    ]
    assert result["published"] == "2024-05-02T08:30:00-04:00"
    assert result["section"] == "Local"
    assert result["tags"] == ["a", "b"]
    assert result["image"] == {"url": "https://news.example/img/lead.jpg", "caption": "Lead caption", "credit": None}


def test_broken_json_ld_falls_back_to_meta_tags() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<meta property="og:title" content="From OG | Example News"><meta property="og:site_name" content="Example News">'
        '<meta property="article:published_time" content="2024-05-02T12:30:00Z">'
        '<meta name="byl" content="By Jane Doe"><meta property="og:locale" content="pt_BR">'
    )
    result = extract_article(page("", head, lang=""), URL)
    assert result["title"] == "From OG"
    assert result["published"] == "2024-05-02T12:30:00+00:00"
    assert result["author_candidates"] == [{"value": "By Jane Doe", "source": "meta"}]
    assert result["language"] == "pt"


def test_selectors_css_xpath_lists_and_attributes() -> None:
    body = (
        "<h1 class='t'>Title</h1><div class='when' data-ts='2024-05-02T10:00:00+02:00'>Thursday</div>"
        "<div id='story'><p>First paragraph of the story.</p><div class='promo'>Buy now</div>"
        "<p class='credit-line'>By Jane</p><p>Second paragraph of the story, long enough.</p></div>"
        "<ul class='tags'><li>One</li><li>Two</li></ul>"
    )
    selectors = {
        "title": ["h2.missing", "h1.t"],
        "body": "//div[@id='story']",
        "byline": "#story .credit-line",
        "published": ".when::attr(data-ts)",
        "tags": ".tags li",
        "drop": [".promo"],
        "article_links": "a.story-link",  # a discovery key: ignored by extraction
    }
    result = extract_article(page(body), URL, selectors)
    assert result["title"] == "Title"
    assert result["byline_raw"] == "By Jane"
    assert result["published"] == "2024-05-02T10:00:00+02:00"
    assert result["tags"] == ["One", "Two"]
    assert result["body"] == "First paragraph of the story.\n\nSecond paragraph of the story, long enough."


def test_invalid_selector_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="invalid selector 'div\\[\\['"):
        extract_article(page("<p>x</p>"), URL, {"body": "div[["})
    assert compile_selector("./p") is compile_selector("./p")


def test_hints_fill_only_what_the_page_lacks() -> None:
    head = '<meta property="article:published_time" content="2024-05-02T12:30:00Z">'
    hints = {"title": "Feed title", "published": "2020-01-01", "modified": "Fri, 03 May 2024 09:00:00 +0000"}
    result = extract_article(page("<p>text</p>", head), URL, hints=hints)
    assert result["title"] == "Feed title"
    assert result["published"] == "2024-05-02T12:30:00+00:00"
    assert result["modified"] == "2024-05-03T09:00:00+00:00"


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"   ",
        b"\x00\x01\x02binary\xff\xfe",
        b"<html><body><p>unclosed <b>bold <i>italic",
        b"\xef\xbb\xbf<html><body><p>BOM page \xe2\x80\x94 dash</p></body></html>",
        "<?xml version='1.0' encoding='utf-8'?><html><body><p>xhtml</p></body></html>",
        b"<html>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000 + b"</html>",
        b"<html><body>" + (b"<p>" + b"word " * 200 + b"</p>") * 20_000 + b"</body></html>",
    ],
    ids=["empty", "blank", "binary", "unclosed", "bom", "xml-declaration", "deep", "huge"],
)
def test_bad_input_never_crashes(html: bytes | str) -> None:
    result = extract_article(html, URL)
    assert isinstance(result["body"], str)
    assert result["word_count"] == len(result["body"].split())


def test_undeclared_encoding_is_guessed() -> None:
    latin = "<html><body><h1>Caf\u00e9 \u201cquoted\u201d</h1></body></html>".encode("cp1252")
    assert extract_article(latin, URL)["title"] == "Caf\u00e9 \u201cquoted\u201d"
    utf8 = "<html><body><h1>Caf\u00e9</h1></body></html>".encode()
    assert extract_article(utf8, URL)["title"] == "Caf\u00e9"


def test_canonical_url_is_absolute_without_tracking_and_none_when_same() -> None:
    same = page("", '<link rel="canonical" href="/2024/05/02/story/?utm_source=x">')
    other = page("", '<meta property="og:url" content="https://www.news.example/story?fbclid=1">')
    assert extract_article(same, URL + "?utm_medium=y")["canonical_url"] is None
    assert extract_article(other, URL)["canonical_url"] == "https://www.news.example/story"


def test_microdata_article_body_is_read_without_the_generic_fallback() -> None:
    story = " ".join(f"Sentence number {n} of the story goes on for a while." for n in range(8))
    body = (
        "<nav><a href='/'>Home</a></nav><div itemprop='articleBody'>"
        f"<p>{story}</p><div class='share-tools'>Share on Facebook</div><p>Last paragraph here.</p></div>"
    )
    assert extract_article(page(body), URL)["body"] == f"{story}\n\nLast paragraph here."
