"""A synthetic syndication corpus with ground truth, for dedup tests and benchmarks.

``generate(seed)`` returns article records shaped like newscrawl's exports, each with a
``truth`` field (the story it really belongs to) and a ``kind`` field saying how it was made:

* ``original`` / ``copy``: a story and its copies on other outlets; every copy gets a random mix
  of the transforms syndication causes (outlet boilerplate, a caption line, another headline,
  typography, paragraph splits and merges, a local intro or an editor's note, trimming), at a
  ``strength`` of light, medium or heavy (heavy copies are cut to about their first third);
* ``template``: instances of templated stories (gas prices, council meetings, weather, sports)
  that share most words but carry different facts: each one is its own story;
* ``same_event``: two reporters' reports of one event (shared names, a shared quote);
* ``brief``: short items quoting one paragraph of a longer story;
* ``boilerplate``: pages whose body is only outlet boilerplate;
* ``recrawl``: the same article again under a URL variant (scheme, www, slash, utm, AMP).

``evaluate(records)`` compares predicted ``story_id`` groups with ``truth`` pairwise.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ten",
    "vor",
    "bel",
    "sha",
    "dun",
    "mar",
    "lin",
    "cor",
    "ta",
    "ven",
    "rod",
    "phi",
    "al",
    "ber",
    "ston",
    "wick",
    "ham",
    "ley",
    "ford",
]
_WORDS = [
    "officials",
    "said",
    "the",
    "plan",
    "would",
    "change",
    "how",
    "residents",
    "pay",
    "for",
    "services",
    "after",
    "months",
    "of",
    "debate",
    "members",
    "voted",
    "to",
    "approve",
    "a",
    "proposal",
    "that",
    "supporters",
    "described",
    "as",
    "overdue",
    "while",
    "critics",
    "warned",
    "about",
    "costs",
    "and",
    "delays",
    "the",
    "agency",
    "announced",
    "new",
    "rules",
    "for",
    "schools",
    "hospitals",
    "and",
    "small",
    "businesses",
    "across",
    "the",
    "region",
    "where",
    "families",
    "have",
    "struggled",
    "with",
    "rising",
    "prices",
    "and",
    "limited",
    "housing",
    "options",
    "police",
    "reported",
    "that",
    "the",
    "incident",
    "remains",
    "under",
    "investigation",
    "and",
    "asked",
    "anyone",
    "with",
    "information",
    "to",
    "contact",
    "investigators",
    "the",
    "company",
    "expects",
    "revenue",
    "to",
    "grow",
    "as",
    "demand",
    "returns",
    "to",
    "normal",
    "levels",
    "analysts",
    "noted",
    "that",
    "the",
    "decision",
    "could",
    "affect",
    "thousands",
    "of",
    "workers",
    "in",
    "the",
    "coming",
    "weeks",
    "and",
    "months",
    "lawmakers",
    "are",
    "expected",
    "to",
    "take",
    "up",
    "the",
    "measure",
    "again",
    "next",
    "session",
    "according",
    "to",
    "a",
    "statement",
    "released",
    "by",
    "the",
    "office",
    "the",
    "report",
    "found",
    "that",
    "most",
    "projects",
    "were",
    "completed",
    "on",
    "schedule",
    "despite",
    "shortages",
]
_VERBS = [
    "said",
    "announced",
    "reported",
    "warned",
    "noted",
    "confirmed",
    "argued",
    "explained",
    "added",
    "told",
]
_OUTLETS = [
    f"{name} {kind}"
    for name in (
        "Globe",
        "Valley",
        "Harbor",
        "Summit",
        "Prairie",
        "Lakeside",
        "Capital",
        "Metro",
        "River",
        "Pine",
    )
    for kind in ("Banner", "Gazette", "Times", "Herald")
]
_BOILERPLATE = [
    "Subscribe to our newsletter for the latest local news delivered to your inbox every morning.",
    "ORGANIZATIONS IN THIS STORY",
    "More News",
    "Want to get notified whenever we write about any of these organizations? You can sign up here.",
    "Copyright 2024 {outlet}. All rights reserved. This material may not be republished without permission.",
    "Support independent local journalism: become a member of {outlet} today for as little as five dollars.",
]


def _name(rng: random.Random, parts: int = 2) -> str:
    return " ".join(
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(parts)
    )


def _sentence(rng: random.Random, names: list[str], places: list[str]) -> str:
    words = rng.sample(_WORDS, rng.randint(9, 20))
    kind = rng.random()
    if kind < 0.25:
        words.insert(rng.randrange(len(words)), f"{rng.randint(2, 990)}")
    if kind < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(places))
    text = " ".join(words)
    if rng.random() < 0.3:
        return f'"{text.capitalize()}," {rng.choice(names)} {rng.choice(_VERBS)}.'
    if rng.random() < 0.3:
        return f"{rng.choice(names)} {rng.choice(_VERBS)} {text}."
    return f"{text.capitalize()}."


def _story_paragraphs(rng: random.Random, sentences: int) -> list[list[str]]:
    names = [_name(rng) for _ in range(3)]
    places = [_name(rng, 1) + rng.choice(["", " County", " City"]) for _ in range(2)]
    flat = [_sentence(rng, names, places) for _ in range(sentences)]
    paragraphs, index = [], 0
    while index < len(flat):
        size = rng.choice([1, 2, 2, 3])
        paragraphs.append(flat[index : index + size])
        index += size
    return paragraphs


def _join(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(paragraph) for paragraph in paragraphs)


def _curly(text: str) -> str:
    text = re.sub(r'"(?=\w)', "\u201c", text)
    text = text.replace('"', "\u201d").replace("'", "\u2019")
    return text.replace(" - ", " \u2014 ").replace("...", "\u2026")


def _resplit(rng: random.Random, paragraphs: list[list[str]]) -> list[list[str]]:
    """Split some paragraphs at sentence boundaries and merge some neighbours."""
    result: list[list[str]] = []
    for paragraph in paragraphs:
        if len(paragraph) > 1 and rng.random() < 0.5:
            cut = rng.randint(1, len(paragraph) - 1)
            result += [paragraph[:cut], paragraph[cut:]]
        elif result and rng.random() < 0.3:
            result[-1] = result[-1] + paragraph
        else:
            result.append(list(paragraph))
    return result


@dataclass
class _Builder:
    rng: random.Random
    records: list[dict[str, Any]]
    counter: int = 0

    def add(self, truth: str, kind: str, outlet: str, title: str, body: str, **extra: Any) -> dict[str, Any]:
        self.counter += 1
        slug = re.sub(r"\W+", "-", title.lower()).strip("-")[:60]
        domain = outlet.lower().replace(" ", "") + ".com"
        record = {
            "url": f"https://{domain}/news/{slug}-{self.counter}",
            "canonical_url": None,
            "outlet": domain,
            "network": "demo",
            "title": title,
            "byline_raw": None,
            "published": f"2024-05-{1 + self.counter % 28:02d}T{self.counter % 24:02d}:00:00+00:00",
            "body": body,
            "word_count": len(body.split()),
            "truth": truth,
            "kind": kind,
        }
        record.update(extra)
        self.records.append(record)
        return record


def _copy(
    rng: random.Random, title: str, paragraphs: list[list[str]], outlet: str, strength: str
) -> tuple[str, str]:
    """A syndicated copy of a story on ``outlet``: (title, body)."""
    chosen = {"light": 1, "medium": 3, "heavy": 5}[strength]
    transforms = set(
        rng.sample(["boilerplate", "caption", "headline", "typography", "split", "intro"], chosen)
    )
    body = [list(paragraph) for paragraph in paragraphs]
    if strength == "heavy":
        keep = max(1, round(len(body) / 3))
        body = body[:keep]
    elif strength == "medium" and rng.random() < 0.5:
        body = body[: max(1, round(len(body) * 0.6))]
    if "split" in transforms:
        body = _resplit(rng, body)
    if "intro" in transforms:
        if rng.random() < 0.5:
            town = _name(rng, 1)
            body.insert(
                0,
                [
                    f"Residents of {town} have followed this closely, and local officials weighed in this week."
                ],
            )
        else:
            body.append(
                [
                    f"Editor's note: This story was first published by {rng.choice(_OUTLETS)} and is republished here."
                ]
            )
    if "caption" in transforms:
        body.insert(0, [f"{_name(rng)} speaks at a meeting on Tuesday | Photo by {_name(rng)}/{outlet}"])
    if "boilerplate" in transforms:
        body.append([rng.choice(_BOILERPLATE).format(outlet=outlet)])
        body.insert(0, ["ORGANIZATIONS IN THIS STORY"])
    copy_title = title
    if "headline" in transforms:
        copy_title = f"{outlet}: " + " ".join(reversed(title.split()))
        body.insert(0, [copy_title])
    text = _join(body)
    if "typography" in transforms:
        text = _curly(text)
    return copy_title, text


_TEMPLATES: dict[str, list[str]] = {
    "gas": [
        "Gas prices in {place} averaged ${price} per gallon on {day}, {change} cents {direction} than a week ago.",
        "The lowest price in {place} was ${low} at a station on {street} Road.",
        "Drivers across the state paid an average of ${state} per gallon, according to the motor club survey.",
        "Analysts said prices typically move with the cost of crude oil and with seasonal demand for travel.",
        "Prices at the pump often rise ahead of holiday weekends, when more families take to the road.",
        "The survey tracks prices at thousands of stations and is updated every morning before sunrise.",
    ],
    "council": [
        "The {place} City Council voted {ayes} to {nays} on {day} to approve a budget of ${price} million.",
        "Council member {person} said the plan would fund {count} new positions in the public works department.",
        "Residents who spoke during the public comment period raised concerns about road repairs and parking.",
        "The council is scheduled to meet again next month, and meetings are open to the public.",
        "Agendas and minutes are posted on the city website several days before each regular meeting.",
    ],
    "weather": [
        "Expect {sky} skies in {place} on {day}, with a high near {count} degrees and {wind} winds.",
        "Overnight the temperature will drop to around {change} degrees under {sky} skies.",
        "Forecasters said conditions can change quickly this time of year, so plans should stay flexible.",
        "Residents are encouraged to check the latest forecast before traveling and to dress in layers.",
        "Sign up for weather alerts on the county emergency management website to get notified.",
        "Local schools announce any delays or closings on their websites and social media pages.",
    ],
    "sports": [
        "The {place} Tigers beat {team} {ayes}-{nays} on {day} behind {count} points from {person}.",
        "{person} added {change} rebounds as the Tigers improved to {low} wins on the season.",
        "The team led by as many as {change} points in the second half before holding on late in the game.",
        "Coaches said the players showed strong defense and good energy throughout the contest.",
        "The next game is scheduled for next week at home, and tickets are available at the school office.",
    ],
}


_HEADLINES = {
    "gas": "Gas prices in {place}: ${price} a gallon",
    "council": "{place} council approves ${price} million budget",
    "sports": "{place} Tigers top {team} {ayes}-{nays}",
    "weather": "{place} weather: {sky} and {count} degrees on {day}",
}


def _template_instance(rng: random.Random, family: str) -> tuple[str, str]:
    values = {
        "place": _name(rng, 1) + (" County" if family == "gas" else ""),
        "price": f"{rng.randint(2, 5)}.{rng.randint(0, 99):02d}",
        "low": f"{rng.randint(2, 5)}.{rng.randint(0, 99):02d}",
        "state": f"{rng.randint(2, 5)}.{rng.randint(0, 99):02d}",
        "change": rng.randint(1, 30),
        "direction": rng.choice(["higher", "lower"]),
        "day": rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
        "street": _name(rng, 1),
        "ayes": rng.randint(3, 9),
        "nays": rng.randint(0, 4),
        "person": _name(rng),
        "count": rng.randint(2, 40),
        "team": _name(rng, 1),
        "sky": rng.choice(["sunny", "cloudy", "partly cloudy", "clear", "hazy", "overcast"]),
        "wind": rng.choice(["light", "gusty", "calm", "strong", "variable"]),
    }
    sentences = [line.format(**values) for line in _TEMPLATES[family]]
    title = _HEADLINES[family].format(**values)
    paragraphs = [[sentence] for sentence in sentences]
    return title, _join(paragraphs)


def _real_paragraphs(body: str) -> list[list[str]]:
    """A real article body as paragraphs of sentences (a rough split is enough: copies reuse it)."""
    return [
        [sentence for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\u201c\"])", paragraph.strip()) if sentence]
        for paragraph in re.split(r"\n\s*\n", body)
        if paragraph.strip()
    ]


def generate(
    seed: int = 7,
    stories: int = 60,
    outlets: int = 12,
    sentences: tuple[int, int] = (12, 36),
    real_bodies: list[str] | None = None,
) -> list[dict[str, Any]]:
    """A shuffled corpus: syndicated stories, templates, near-miss pairs, boilerplate, re-crawls.

    ``sentences`` bounds the length of generated stories (copies may be trimmed); with
    ``real_bodies`` the stories are those real texts instead (``stories`` is then ignored).
    """
    rng = random.Random(seed)
    builder = _Builder(rng, [])
    outlet_names = _OUTLETS[:outlets]
    count = len(real_bodies) if real_bodies is not None else stories
    for number in range(count):
        truth = f"story-{number}"
        if real_bodies is not None:
            paragraphs = _real_paragraphs(real_bodies[number])
        else:
            paragraphs = _story_paragraphs(rng, rng.randint(*sentences))
        title = " ".join(rng.sample(_WORDS, 6)).capitalize()
        home, *others = rng.sample(outlet_names, min(len(outlet_names), rng.randint(2, 7)))
        original = builder.add(truth, "original", home, title, _join(paragraphs))
        for outlet in others:
            strength = rng.choice(["light", "medium", "heavy"])
            copy_title, body = _copy(rng, title, paragraphs, outlet, strength)
            builder.add(truth, "copy", outlet, copy_title, body, strength=strength)
        if number % 5 == 0:
            variant = re.sub(r"^https://", "http://www.", original["url"]) + "/?utm_source=feed"
            builder.records.append({**original, "url": variant, "kind": "recrawl"})
            amp = original["url"] + "/amp"
            builder.records.append({**original, "url": amp, "kind": "recrawl"})
        if number % 4 == 0:
            quoted = paragraphs[rng.randrange(len(paragraphs))]
            brief = _story_paragraphs(rng, rng.randint(2, 4))
            builder.add(
                f"brief-{number}",
                "brief",
                rng.choice(outlet_names),
                _name(rng, 1) + " brief",
                _join([brief[0], quoted, *brief[1:]]),
            )
        if number % 6 == 0:
            shared_quote = paragraphs[0]
            other = _story_paragraphs(rng, rng.randint(10, 20))
            builder.add(
                f"event-{number}",
                "same_event",
                rng.choice(outlet_names),
                title + " update",
                _join([other[0], shared_quote, *other[1:]]),
            )
    for family in _TEMPLATES:
        for instance in range(14):
            truth = f"template-{family}-{instance}"
            title, body = _template_instance(rng, family)
            outlet = rng.choice(outlet_names)
            builder.add(truth, "template", outlet, title, body, family=family)
            if instance % 3 == 0:
                copy_outlet = rng.choice([name for name in outlet_names if name != outlet])
                copy_title, copy_body = _copy(
                    rng, title, [[line] for line in body.split("\n\n")], copy_outlet, "light"
                )
                builder.add(truth, "template", copy_outlet, copy_title, copy_body, family=family)
    for number in range(12):
        outlet = outlet_names[number % 3]
        body = "\n\n".join(line.format(outlet=outlet) for line in _BOILERPLATE[3:])
        builder.add(f"boilerplate-{number}", "boilerplate", outlet, _name(rng, 2) + " obituary", body)
    rng.shuffle(builder.records)
    return builder.records


def _pairs(sizes: Iterable[int]) -> int:
    return sum(size * (size - 1) // 2 for size in sizes)


def evaluate(records: list[dict[str, Any]]) -> dict[str, float]:
    """Pairwise precision/recall/F1 of ``story_id`` against ``truth``, and the guarded error rates."""
    together = Counter((record["story_id"], record["truth"]) for record in records)
    predicted = Counter(record["story_id"] for record in records)
    actual = Counter(record["truth"] for record in records)
    true_positive = _pairs(together.values())
    precision = true_positive / max(1, _pairs(predicted.values()))
    recall = true_positive / max(1, _pairs(actual.values()))
    truths_by_story: dict[str, set[str]] = defaultdict(set)
    for record in records:
        truths_by_story[record["story_id"]].add(record["truth"])
    merged = [len(truths_by_story[record["story_id"]]) > 1 for record in records]
    story_of_truth_original = {
        record["truth"]: record["story_id"] for record in records if record["kind"] == "original"
    }
    heavy = [record for record in records if record.get("strength") == "heavy"]
    templates = [flag for flag, record in zip(merged, records, strict=True) if record["kind"] == "template"]
    boilerplate = [
        flag for flag, record in zip(merged, records, strict=True) if record["kind"] == "boilerplate"
    ]
    return {
        "items": len(records),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(1e-9, precision + recall),
        "templated_wrongly_merged": sum(templates) / max(1, len(templates)),
        "boilerplate_wrongly_merged": float(sum(boilerplate)),
        "heavy_trimmed_found": sum(
            record["story_id"] == story_of_truth_original.get(record["truth"]) for record in heavy
        )
        / max(1, len(heavy)),
    }
