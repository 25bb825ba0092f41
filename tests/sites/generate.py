"""Writes the loopback test network under tests/sites/ (run it after changing a template or a story).

Four outlets modelled on real ones: a WordPress paper with Yoast JSON-LD, two
look-alike sites of a local-news network (captions with credits, "ORGANIZATIONS
IN THIS STORY" widgets, syndicated copies), a wire-copy site without any
structured data, and a German regional paper. Files hold ``__BASE__`` where
the served outlet's own ``http://127.0.0.1:PORT`` goes; the test server fills
it in, so every outlet gets a free port.

    python tests/sites/generate.py
"""

from __future__ import annotations

import html
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BASE = "__BASE__"

FIRST = [
    "Maria",
    "James",
    "Aisha",
    "Tom",
    "Elena",
    "Marcus",
    "Priya",
    "Daniel",
    "Grace",
    "Luis",
    "Hannah",
    "Omar",
]
LAST = [
    "Whitfield",
    "Okafor",
    "Brennan",
    "de la Cruz",
    "Lindqvist",
    "Haddad",
    "Moreno",
    "Castellano",
    "Nguyen",
]
TOWNS = [
    "Millbrook",
    "Cedar Falls",
    "Harbor Point",
    "Westfield",
    "Pine Ridge",
    "Oak Hollow",
    "Riverton",
    "Fairview",
]
COUNTIES = ["Lake", "Marion", "Franklin", "Jasper", "Clinton", "Warren"]
TOPICS = [
    ("school board", "approved a revised budget", "teachers", "classroom", "enrollment"),
    ("city council", "voted to expand the bus line", "commuters", "route", "ridership"),
    ("county commission", "delayed a decision on the landfill", "residents", "permit", "tonnage"),
    ("water district", "raised rates for the first time in a decade", "customers", "pipes", "reservoir"),
    ("parks department", "unveiled plans for a riverside trail", "families", "trail", "acres"),
    ("hospital board", "announced a new emergency wing", "patients", "beds", "staff"),
    ("state lawmakers", "passed a bill on broadband grants", "rural towns", "fiber", "subscribers"),
    ("police department", "released its annual crime report", "officers", "calls", "burglaries"),
]


def sentence_bank(rng: random.Random, topic: tuple[str, ...], town: str, county: str) -> list[str]:
    body, action, people, thing, measure = topic
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    other = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    number = rng.randint(12, 980)
    money = rng.randint(2, 90)
    return [
        f"The {town} {body} {action} on Tuesday night, ending a debate that had stretched over "
        f"three meetings and drawn more than {number} {people} to public hearings.",
        f"Supporters said the change would cost about ${money} million over five years and would be "
        f"paid for without a new tax, a point that {person}, who chairs the panel, repeated several times.",
        f"“We heard every concern that was raised, and we changed the plan because of them,” {person} said. "
        f"“Nobody on this board thinks the work is finished.”",
        f"Critics were not persuaded. {other}, who lives near the proposed {thing}, said the {measure} figures "
        f"in the staff report were two years old and did not reflect how {town} has grown.",
        f"According to figures from {county} County, the {measure} rose {rng.randint(3, 19)} percent last year, "
        f"the fastest increase in the region since the county began publishing the numbers in {rng.randint(1994, 2012)}.",
        f"The decision now goes to the state, which must sign off before any {thing} work can begin. Officials "
        f"said they expected an answer by the spring.",
        f"{other} said a group of neighbors would keep attending meetings. “We are not against progress,” "
        f"{other.split()[0]} said. “We just want the numbers to be honest.”",
        f"A second vote on the details is scheduled for next month at {town} City Hall, and the meeting "
        f"will be streamed online for {people} who cannot attend in person.",
    ]


@dataclass
class Story:
    slug: str
    title: str
    paragraphs: list[str]
    author: str
    published: str
    modified: str
    section: str
    tags: list[str] = field(default_factory=list)
    wire: str | None = None


def make_story(rng: random.Random, index: int, day: int) -> Story:
    topic = TOPICS[index % len(TOPICS)]
    town = TOWNS[index % len(TOWNS)]
    county = COUNTIES[index % len(COUNTIES)]
    bank = sentence_bank(rng, topic, town, county)
    count = rng.randint(5, 8)
    title = f"{town} {topic[0]} {topic[1]}"
    title = title[0].upper() + title[1:]
    hour = 6 + index % 12
    return Story(
        slug=f"{town.lower().replace(' ', '-')}-{topic[0].replace(' ', '-')}-{topic[1].split()[0]}-{index}",
        title=title,
        paragraphs=bank[:count],
        author=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        published=f"2026-11-{day:02d}T{hour:02d}:15:00-05:00",
        modified=f"2026-11-{day:02d}T{hour + 1:02d}:40:00-05:00",
        section=topic[0].title(),
        tags=[town, f"{county} County"],
    )


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def wordpress_page(story: Story, url: str, site: str) -> str:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": f"{BASE}/#website", "name": site, "url": f"{BASE}/"},
            {
                "@type": "NewsArticle",
                "@id": f"{url}#article",
                "headline": story.title,
                "datePublished": story.published,
                "dateModified": story.modified,
                "author": {"@type": "Person", "name": story.author, "url": f"{BASE}/author/x/"},
                "articleSection": story.section,
                "keywords": story.tags,
                "inLanguage": "en-US",
                "image": {"@type": "ImageObject", "url": f"{BASE}/wp-content/uploads/{story.slug}.jpg"},
                "isPartOf": {"@id": f"{BASE}/#website"},
            },
        ],
    }
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8">
<title>{esc(story.title)} - {esc(site)}</title>
<link rel="canonical" href="{url}">
<meta property="og:title" content="{esc(story.title)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{BASE}/wp-content/uploads/{story.slug}.jpg">
<meta property="article:published_time" content="{story.published}">
<link rel="alternate" type="application/rss+xml" title="{esc(site)} Feed" href="{BASE}/feed/">
<script type="application/ld+json" class="yoast-schema-graph">{json.dumps(graph)}</script>
</head>
<body class="post-template-default single single-post">
<header class="site-header"><a class="site-title" href="{BASE}/">{esc(site)}</a>
<nav><a href="{BASE}/category/local/">Local</a> <a href="{BASE}/about/">About</a></nav></header>
<main id="main">
<article class="post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">{esc(story.title)}</h1>
<div class="entry-meta">By <span class="author vcard"><a class="url fn n" href="{BASE}/author/x/">{esc(story.author)}</a></span>
<time class="entry-date published" datetime="{story.published}">November</time></div></header>
<div class="entry-content">
{paragraphs}
<div class="sharedaddy"><h3>Share this:</h3><ul><li><a href="#">Facebook</a></li><li><a href="#">X</a></li></ul></div>
</div>
</article>
<aside class="related"><h2>Related</h2><ul><li><a href="{BASE}/about/">About us</a></li></ul></aside>
</main>
<footer>© 2026 {esc(site)}. All rights reserved.</footer>
</body>
</html>
"""


def network_page(story: Story, url: str, site: str, caption: str, sister: str) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "datePublished": story.published,
        "dateModified": story.modified,
        "author": [{"@type": "Person", "name": story.author}],
        "publisher": {"@type": "Organization", "name": site},
    }
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in story.paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{esc(story.title)} | {esc(site)}</title>
<meta name="description" content="{esc(story.paragraphs[0][:150])}">
<meta property="og:title" content="{esc(story.title)}">
<meta property="og:type" content="article">
<meta property="og:image" content="{BASE}/media/{story.slug}.jpg">
<meta name="author" content="{esc(story.author)}">
<script type="application/ld+json">{json.dumps(ld)}</script>
</head>
<body>
<div class="top-bar"><a href="{BASE}/">{esc(site)}</a> <a href="{BASE}/stories/">Stories</a></div>
<div class="container">
<div class="story">
<figure class="lead-image"><img src="{BASE}/media/{story.slug}.jpg" alt="">
<figcaption>{esc(caption)}</figcaption></figure>
<h1 class="story-title">{esc(story.title)}</h1>
<div class="story-byline"><span class="byline-name">{esc(story.author)}</span>
<span class="story-date">{story.published[:10]}</span></div>
<div class="story-body">
<div class="organizations"><h4>ORGANIZATIONS IN THIS STORY</h4></div>
{paragraphs}
<p><strong>READ MORE: <a href="{BASE}/stories/">{esc(story.tags[0])} council coverage</a></strong></p>
<p>{esc(sister)} reported on the matter earlier this week.</p>
<div class="organizations"><h4>ORGANIZATIONS IN THIS STORY</h4></div>
</div>
</div>
<div class="more-news"><h3>More News</h3></div>
</div>
</body>
</html>
"""


def wire_page(story: Story, url: str, site: str) -> str:
    paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in story.paragraphs)
    dateline = story.paragraphs[0]
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(site)}: {esc(story.title)}</title>
</head>
<body>
<table width="100%"><tr><td><a href="{BASE}/">{esc(site)}</a></td><td><a href="{BASE}/news/">News</a></td></tr></table>
<div id="content">
<h1>{esc(story.title)}</h1>
<p class="byline">By {esc(story.author.upper())}, {esc(story.wire or "Associated Press")}</p>
<p class="dateline">Posted {story.published[:10]}</p>
<div id="story">
<p>MILLBROOK (AP) — {esc(dateline)}</p>
{paragraphs.split(chr(10), 1)[1] if chr(10) in paragraphs else ""}
<p>Copyright 2026 The Associated Press. All rights reserved.</p>
</div>
</div>
<div id="footer"><a href="{BASE}/news/">More headlines</a></div>
</body>
</html>
"""


GERMAN_STORIES = [
    (
        "Stadtrat beschließt neuen Radweg am Rheinufer",
        [
            "Der Stadtrat hat am Dienstagabend mit großer Mehrheit den Bau eines neuen Radwegs entlang des "
            "Rheinufers beschlossen. Die Strecke soll rund vier Kilometer lang werden.",
            "„Wir holen damit eine Planung nach, die seit Jahren in der Schublade liegt“, sagte die "
            "Bürgermeisterin nach der Sitzung. Die Kosten werden auf 3,2 Millionen Euro geschätzt.",
            "Kritik kam von Anwohnern, die mehr Lärm und weniger Parkplätze befürchten. Die Verwaltung "
            "kündigte an, die Pläne im Januar öffentlich vorzustellen.",
            "Baubeginn soll im Frühjahr sein, wenn das Land die Fördermittel rechtzeitig bewilligt.",
        ],
        "Jasper Riemann",
    ),
    (
        "Hochwasser: Pegel in Rheinstadt steigt weiter",
        [
            "Nach tagelangem Regen ist der Pegel des Rheins in Rheinstadt auf über sieben Meter gestiegen. "
            "Die Feuerwehr hat erste Schutzwände aufgebaut.",
            "Die Behörden rechnen damit, dass der Höchststand am Donnerstag erreicht wird. Uferstraßen "
            "bleiben bis auf Weiteres gesperrt.",
            "„Die Lage ist ernst, aber unter Kontrolle“, sagte ein Sprecher der Stadt. Anwohner sollen "
            "Keller räumen und die Warnungen im Radio verfolgen.",
        ],
        "Barbara Schneider",
    ),
    (
        "Neue Buslinie verbindet Altstadt und Hochschule",
        [
            "Ab Montag fährt eine neue Buslinie im Zehn-Minuten-Takt zwischen der Altstadt und dem Campus "
            "der Hochschule. Die Verkehrsbetriebe reagieren damit auf Beschwerden von Studierenden.",
            "Die Linie 14 hält an acht Stationen und fährt werktags bis Mitternacht. Am Wochenende gilt "
            "ein Halbstundentakt.",
            "Der Asta begrüßte die Entscheidung, forderte aber zusätzliche Nachtbusse.",
        ],
        "Anne-Marie Keller",
    ),
]


def german_page(title: str, paragraphs: list[str], author: str, url: str, published: str) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": title,
        "datePublished": published,
        "author": {"@type": "Person", "name": author},
        "inLanguage": "de-DE",
    }
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="de">
<head><meta charset="utf-8"><title>{esc(title)} | Rheinblatt</title>
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>
<link rel="alternate" type="application/atom+xml" href="{BASE}/atom.xml"></head>
<body><nav><a href="{BASE}/">Startseite</a></nav>
<article><h1>{esc(title)}</h1><p class="autor">Von {esc(author)}</p>
<div class="artikel-text">{body}</div></article>
<footer>Impressum · Datenschutz</footer></body></html>
"""


@dataclass
class Page:
    outlet: str
    path: str
    title: str
    published: str
    body_start: str
    author: str
    story: str  # pages with the same story are syndicated copies of one another
    organization: str | None = None


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def urlset(entries: list[tuple[str, str]]) -> str:
    rows = "\n".join(f"<url><loc>{BASE}{p}</loc><lastmod>{d}</lastmod></url>" for p, d in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}\n</urlset>\n'


def main() -> None:
    rng = random.Random(20261129)
    for child in ROOT.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
    stories = [make_story(rng, i, 1 + i % 27) for i in range(26)]
    pages: list[Page] = []

    # 1. lakeside-ledger: WordPress, robots.txt -> sitemap index -> post sitemap + gzipped archive, RSS feed.
    ledger = ROOT / "lakeside-ledger"
    ledger_items = []
    for story in stories[:10]:
        path = f"/{story.published[:4]}/{story.published[5:7]}/{story.published[8:10]}/{story.slug}/"
        write(
            ledger / path.strip("/") / "index.html", wordpress_page(story, f"{BASE}{path}", "Lakeside Ledger")
        )
        pages.append(
            Page("lakeside-ledger", path, story.title, story.published, story.paragraphs[0], story.author, story.slug)
        )
        ledger_items.append((path, story))
    write(
        ledger / "robots.txt", "User-agent: *\nDisallow: /wp-admin/\n\nSitemap: __BASE__/sitemap_index.xml\n"
    )
    write(
        ledger / "sitemap_index.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "<sitemap><loc>__BASE__/post-sitemap.xml</loc><lastmod>2026-11-28T10:00:00+00:00</lastmod></sitemap>\n"
        "<sitemap><loc>__BASE__/post-sitemap2.xml.gz</loc><lastmod>2026-11-10T10:00:00+00:00</lastmod></sitemap>\n"
        "<sitemap><loc>__BASE__/page-sitemap.xml</loc></sitemap>\n"
        "</sitemapindex>\n",
    )
    write(ledger / "post-sitemap.xml", urlset([(p, s.modified) for p, s in ledger_items[:6]]))
    # Served gzipped by the test server (no Content-Encoding), as many CMSs do.
    write(ledger / "post-sitemap2.xml", urlset([(p, s.modified) for p, s in ledger_items[6:]]))
    write(ledger / "page-sitemap.xml", urlset([("/", "2026-11-01"), ("/about/", "2026-01-01")]))
    write(
        ledger / "about" / "index.html",
        "<html><body><h1>About us</h1><p>Contact the newsroom.</p></body></html>",
    )
    # A WordPress shortlink in the feed that redirects to an article the sitemap lists too.
    shortlink_target = ledger_items[-1][0]
    write(ledger / "redirects.txt", f"/?p=4711 {shortlink_target}\n")
    rss_items = f"<item><title>Shortlink</title><link>{BASE}/?p=4711</link></item>\n" + "\n".join(
        f"<item><title>{esc(s.title)}</title><link>{BASE}{p}?utm_source=rss&amp;utm_medium=rss</link>"
        f"<pubDate>{s.published}</pubDate><dc:creator>{esc(s.author)}</dc:creator></item>"
        for p, s in ledger_items[-4:]
    )
    write(
        ledger / "feed" / "index.xml",
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>Lakeside Ledger</title><link>{BASE}/</link>\n{rss_items}\n</channel></rss>\n",
    )

    # 2. metro-local network: two look-alike outlets, news sitemap + Atom feed + paginated sections.
    network_stories = stories[10:22]
    sister = {"valley-times": "Globe Banner", "river-gazette": "Valley Times"}
    for outlet, chosen, site in (
        ("valley-times", network_stories[:8], "Valley Times"),
        ("river-gazette", network_stories[4:12], "River Gazette"),  # 4 syndicated copies shared
    ):
        folder = ROOT / outlet
        news_rows = []
        atom_rows = []
        section_links = []
        for n, story in enumerate(chosen):
            story_id = 640000 + stories.index(story) * 7
            path = f"/stories/{story_id}-{story.slug}"
            caption = f"{story.tags[0]} City Hall | {rng.choice(FIRST)} {rng.choice(LAST)}/{site}"
            write(
                folder / "stories" / f"{story_id}-{story.slug}",
                network_page(story, f"{BASE}{path}", site, caption, sister[outlet]),
            )
            pages.append(
                Page(outlet, path, story.title, story.published, story.paragraphs[0], story.author, story.slug)
            )
            if n % 2 == 0:
                news_rows.append(
                    f"<url><loc>{BASE}{path}</loc><news:news><news:publication><news:name>{site}</news:name>"
                    f"<news:language>en</news:language></news:publication>"
                    f"<news:publication_date>{story.published}</news:publication_date>"
                    f"<news:title>{esc(story.title)}</news:title></news:news></url>"
                )
            if n % 3 == 0:
                atom_rows.append(
                    f'<entry><title>{esc(story.title)}</title><link rel="alternate" type="text/html" href="{BASE}{path}"/>'
                    f"<id>{BASE}{path}</id><published>{story.published}</published><updated>{story.modified}</updated></entry>"
                )
            section_links.append((path, story.title))
        write(folder / "robots.txt", "User-agent: *\nAllow: /\nSitemap: __BASE__/sitemap-news.xml\n")
        write(
            folder / "sitemap-news.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            + "\n".join(news_rows)
            + "\n</urlset>\n",
        )
        write(
            folder / "atom.xml",
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{site}</title><id>{BASE}/</id><updated>2026-11-28T00:00:00Z</updated>\n"
            + "\n".join(atom_rows)
            + "\n</feed>\n",
        )
        per_page = 3
        pages_count = (len(section_links) + per_page - 1) // per_page
        for page_no in range(1, pages_count + 1):
            chunk = section_links[(page_no - 1) * per_page : page_no * per_page]
            links = "\n".join(f'<li><a class="teaser" href="{BASE}{p}">{esc(t)}</a></li>' for p, t in chunk)
            nxt = (
                f'<a class="next" href="{BASE}/stories/?page={page_no + 1}">Next</a>'
                if page_no < pages_count
                else ""
            )
            name = "index.html" if page_no == 1 else f"page-{page_no}.html"
            write(
                folder / "stories" / name,
                f"<html><body><h1>Stories</h1><ul>\n{links}\n</ul>"
                f'<a href="{BASE}/stories/?page=1">1</a> {nxt}<a href="{BASE}/about-us">About us</a></body></html>',
            )

    # 3. wire-daily: no structured data at all; found only through paginated section pages.
    wire = ROOT / "wire-daily"
    wire_links = []
    for story in [*stories[22:26], network_stories[0], network_stories[1]]:
        story.wire = "Associated Press"
        path = f"/news/{story.published[:10]}/{story.slug}.html"
        write(wire / path.strip("/"), wire_page(story, f"{BASE}{path}", "Wire Daily"))
        pages.append(
            Page(
                "wire-daily", path, story.title, story.published, story.paragraphs[1], story.author,
                story.slug, organization="Associated Press",
            )
        )
        wire_links.append(path)
    for page_no, chunk in enumerate((wire_links[:3], wire_links[3:]), start=1):
        links = "\n".join(f'<p><a href="{BASE}{p}">Read story</a></p>' for p in chunk)
        nxt = f'<link rel="next" href="{BASE}/news/page/2/">' if page_no == 1 else ""
        target = wire / "news" / ("index.html" if page_no == 1 else "page/2/index.html")
        write(target, f"<html><head>{nxt}</head><body>{links}<a href='{BASE}/news/'>News</a></body></html>")
    write(wire / "robots.txt", "User-agent: *\nDisallow: /private/\n")
    home_links = "\n".join(f'<li><a href="{p}">Story</a></li>' for p in wire_links[:4])
    write(
        wire / "index.html",
        f"<html><body><h1>Wire Daily</h1><ul>{home_links}</ul><a href='/news/'>All news</a></body></html>",
    )
    # A listed URL that is not HTML and one that has no article: both must be skipped with a log line.
    write(wire / "news" / "2026-11-20" / "election-results-data-table-2026.csv", "county,votes\nLake,1200\n")
    write(
        wire / "news" / "2026-11-21" / "photo-gallery-holiday-lights-parade.html",
        "<html><head><title>Gallery</title></head><body><div id='content'></div></body></html>",
    )
    write(
        wire / "redirects.txt",
        "/news/2026-11-22/redirect-loop-story-test-page.html /news/2026-11-22/redirect-loop-story-test-page-b.html\n"
        "/news/2026-11-22/redirect-loop-story-test-page-b.html /news/2026-11-22/redirect-loop-story-test-page.html\n",
    )
    extra = (
        '<p><a href="__BASE__/news/2026-11-22/redirect-loop-story-test-page.html">Loop</a></p>'

        '<p><a href="__BASE__/news/2026-11-20/election-results-data-table-2026.csv">Data</a></p>'
        '<p><a href="__BASE__/news/2026-11-21/photo-gallery-holiday-lights-parade.html">Gallery</a></p>'
    )
    index = wire / "news" / "page/2/index.html"
    index.write_text(index.read_text().replace("</body>", extra + "</body>"), encoding="utf-8")

    # 4. rheinblatt: German, Atom feed only (advertised in the page head), numeric ids.
    rhein = ROOT / "rheinblatt"
    atom_rows = []
    for n, (title, paragraphs, author) in enumerate(GERMAN_STORIES):
        path = f"/artikel/{870100 + n}"
        published = f"2026-11-{20 + n}T09:30:00+01:00"
        write(
            rhein / "artikel" / str(870100 + n),
            german_page(title, paragraphs, author, f"{BASE}{path}", published),
        )
        pages.append(Page("rheinblatt", path, title, published, paragraphs[0], author, f"rheinblatt-{n}"))
        atom_rows.append(
            f'<entry><title>{esc(title)}</title><link href="{BASE}{path}"/><id>urn:rb:{n}</id>'
            f"<updated>{published}</updated></entry>"
        )
    write(
        rhein / "atom.xml",
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Rheinblatt</title>\n'
        + "\n".join(atom_rows)
        + "\n</feed>\n",
    )
    write(rhein / "robots.txt", "User-agent: *\nDisallow:\n")
    write(
        rhein / "index.html",
        '<html lang="de"><head><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head>'
        '<body><h1>Rheinblatt</h1><a href="/impressum">Impressum</a></body></html>',
    )

    expected = [page.__dict__ for page in pages]
    write(ROOT / "expected.json", json.dumps(expected, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(pages)} article pages written")


if __name__ == "__main__":
    main()
