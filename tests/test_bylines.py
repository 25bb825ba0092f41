"""Table-driven byline cases (tests/data/bylines.tsv) plus the function's contract."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

import pytest

from newscrawl.errors import ConfigError
from newscrawl.text.bylines import Byline, load_byline_rules, normalize_byline

CASE_FILES = sorted((Path(__file__).parent / "data").glob("bylines*.tsv"))


def _fold(text: str) -> str:
    """The scorer's comparison: NFC, typographic apostrophes folded, case ignored."""
    return unicodedata.normalize("NFC", text).replace("’", "'").casefold()


def _load_cases() -> list[pytest.param]:
    """Rows of every ``tests/data/bylines*.tsv``: raw, source, authors joined by " | ", organization."""
    cases = []
    for path in CASE_FILES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            raw, source, authors, organization = [*line.split("\t"), "", "", ""][:4]
            expected_authors = [a.strip() for a in authors.split(" | ") if a.strip()]
            cases.append(
                pytest.param(
                    raw,
                    source or "byline",
                    expected_authors,
                    organization.strip() or None,
                    id=f"{path.stem}:{number}",
                )
            )
    return cases


def test_enough_cases() -> None:
    assert len(_load_cases()) >= 200


@pytest.mark.parametrize(("raw", "source", "authors", "organization"), _load_cases())
def test_byline_case(raw: str, source: str, authors: list[str], organization: str | None) -> None:
    result = normalize_byline(raw, source)
    assert [_fold(a) for a in result.authors] == [_fold(a) for a in authors]
    assert (result.organization and _fold(result.organization)) == (organization and _fold(organization))


def test_cases_keep_printed_case() -> None:
    """Case is compared loosely by the scorer, but proper case is part of the contract."""
    assert normalize_byline("By JOHN SMITH and JANE DOE, Associated Press").authors == [
        "John Smith",
        "Jane Doe",
    ]
    assert normalize_byline("LUIS DE LA CRUZ").authors == ["Luis de la Cruz"]
    assert normalize_byline("Fouzia Van Der Fort").authors == ["Fouzia Van Der Fort"]


def test_byline_reads_as_mapping() -> None:
    result = normalize_byline("Von Anne-Marie Slaughter, dpa")
    assert isinstance(result, Byline)
    assert result["authors"] == ["Anne-Marie Slaughter"]
    assert result["organization"] == "dpa"
    assert dict(result) == {"authors": ["Anne-Marie Slaughter"], "organization": "dpa"}


def test_unknown_source_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown byline source"):
        normalize_byline("Jane Doe", "rss")


def test_non_string_is_rejected() -> None:
    with pytest.raises(TypeError):
        normalize_byline(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("raw", ["", "   ", "|||", "@@@", "…", "12:30", "\u200b", "a" * 5000, "By " * 300])
def test_odd_input_gives_a_result(raw: str) -> None:
    result = normalize_byline(raw)
    assert isinstance(result.authors, list)


def test_rules_folder_can_be_extended(tmp_path: Path) -> None:
    shipped = Path(load_byline_rules().source)
    for path in shipped.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "local.toml").write_text('outlets = ["Gazeta Wyborcza Lokalna"]\n', encoding="utf-8")
    rules = load_byline_rules(tmp_path)
    result = normalize_byline("Jan Kowalski, Gazeta Wyborcza Lokalna", rules=rules)
    assert result.organization == "Gazeta Wyborcza Lokalna"
    assert normalize_byline("Jan Kowalski, Gazeta Wyborcza Lokalna", rules=tmp_path) == result


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ('wires = "AP"\n', "wires"),
        ("outlets = [1, 2]\n", "outlets"),
        ('wirez = ["AP"]\n', "wirez"),
        ('coauthor_counts = ["(unclosed"]\n', "coauthor_counts"),
        ("wires = [\n", "-"),
    ],
)
def test_bad_rules_file_names_file_and_key(tmp_path: Path, content: str, key: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_byline_rules(bad)
    assert caught.value.file == str(bad)
    assert caught.value.key == key


def test_missing_rules_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_byline_rules(tmp_path / "nowhere")


def test_rules_folder_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = Path(load_byline_rules().source)
    for path in shipped.glob("*.toml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "local.toml").write_text('wires = ["Zorza Polarna"]\n', encoding="utf-8")
    monkeypatch.setenv("NEWSCRAWL_BYLINE_RULES", str(tmp_path))
    assert normalize_byline("Jan Kowalski, Zorza Polarna").as_dict() == {
        "authors": ["Jan Kowalski"],
        "organization": "Zorza Polarna",
    }
    monkeypatch.delenv("NEWSCRAWL_BYLINE_RULES")
    assert normalize_byline("Jan Kowalski, Zorza Polarna").organization is None


def test_shuffled_byline_words_never_crash() -> None:
    """Words of every case, reshuffled with separators: any mix gives clean names or nothing, never an error."""
    words = [word for case in _load_cases() for word in str(case.values[0]).split()]
    pieces = [*words, *"|,;/()[]-–—:.&@=·…'", "", "\n", "2024", "x" * 40]
    rng = random.Random(7)
    for _ in range(500):
        raw = " ".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        for source in ("byline", "jsonld", "meta", "url"):
            result = normalize_byline(raw, source)
            assert all(name and name == name.strip() for name in result.authors), (raw, result)
