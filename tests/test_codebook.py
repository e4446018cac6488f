"""Tests for the packaged CAMEO codebook and its loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.coding.codebook import (
    PLOVER_TYPES,
    QUAD_CLASS_NAMES,
    CameoCode,
    Codebook,
    load_codebook,
    plover_for_cameo,
    quad_class_for_cameo,
)
from detente.errors import ConfigError, DataError

REPO = Path(__file__).resolve().parents[1]
HEADER = "code\tname\troot\tgoldstein\tquad_class\tplover\n"


def _reference_dir() -> Path | None:
    for base in (REPO / "shared", REPO.parent / "shared"):
        candidate = base / "reference"
        if (candidate / "CAMEO.goldsteinscale.txt").is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return load_codebook()


def test_row_and_root_counts(codebook: Codebook) -> None:
    assert len(codebook) == 318
    roots = codebook.roots()
    assert len(roots) == 20
    assert [r.code for r in roots] == [f"{n:02d}" for n in range(1, 21)]


def test_default_load_is_cached() -> None:
    assert load_codebook() is load_codebook()


def test_make_a_visit(codebook: Codebook) -> None:
    assert codebook.get("042") == CameoCode(
        code="042", name="Make a visit", root="04", goldstein=1.9, quad_class=1, plover="CONSULT"
    )


def test_sanctions(codebook: Codebook) -> None:
    entry = codebook.get("163")
    assert entry.name == "Impose embargo, boycott, or sanctions"
    assert entry.goldstein == -8.0
    assert entry.plover == "SANCTION"
    assert entry.quad_class == 4
    assert QUAD_CLASS_NAMES[entry.quad_class] == "material conflict"


@pytest.mark.parametrize(
    ("code", "plover"),
    [
        ("1712", "ASSAULT"),
        ("175", "ASSAULT"),
        ("1711", "COERCE"),
        ("0813", "RETREAT"),
        ("0814", "RETREAT"),
        ("0812", "CONCEDE"),
        ("08", "CONCEDE"),
        ("0841", "RETREAT"),
        ("087", "RETREAT"),
        ("116", "SANCTION"),
        ("115", "ACCUSE"),
        ("191", "COERCE"),
        ("192", "COERCE"),
        ("193", "ASSAULT"),
        ("010", ""),
        ("01", ""),
        ("020", "REQUEST"),
        ("100", "REQUEST"),
        ("2042", "ASSAULT"),
    ],
)
def test_plover_exceptions(codebook: Codebook, code: str, plover: str) -> None:
    assert codebook.plover(code) == plover
    assert plover_for_cameo(code) == plover


def test_every_row_agrees_with_plover_for_cameo(codebook: Codebook) -> None:
    mismatches = [(c.code, c.plover) for c in codebook if c.plover != plover_for_cameo(c.code)]
    assert mismatches == []


def test_every_row_is_well_formed(codebook: Codebook) -> None:
    for entry in codebook:
        assert -10.0 <= entry.goldstein <= 10.0, entry
        assert entry.root == entry.code[:2], entry
        assert entry.root in codebook, entry
        assert entry.quad_class == quad_class_for_cameo(entry.code), entry
        assert entry.plover in PLOVER_TYPES or (entry.plover == "" and entry.root == "01"), entry
        assert entry.name and entry.name == entry.name.strip(), entry
        if len(entry.code) == 4:
            assert entry.code[:3] in codebook, entry


def test_quad_class_by_root() -> None:
    assert [quad_class_for_cameo(f"{n:02d}") for n in range(1, 21)] == (
        [1] * 5 + [2] * 3 + [3] * 5 + [4] * 7
    )


def test_every_plover_type_is_used(codebook: Codebook) -> None:
    assert {c.plover for c in codebook} == {*PLOVER_TYPES, ""}


@pytest.mark.shared
def test_goldstein_matches_reference_table(codebook: Codebook) -> None:
    ref = _reference_dir()
    if ref is None:
        pytest.skip("shared/reference/CAMEO.goldsteinscale.txt is not available")
    lines = (ref / "CAMEO.goldsteinscale.txt").read_text(encoding="utf-8").splitlines()
    table: dict[str, float] = {}
    for line in lines[1:]:
        if line.strip():
            code, value = line.split("\t")
            table[code.strip()] = float(value)
    inherited = {"1213", "1214", "155", "176", "1834", "1951", "1952"}  # parent's value
    assert [c.code for c in codebook if c.code not in inherited] == list(table)
    assert {c.code: c.goldstein for c in codebook if c.code not in inherited} == table
    assert codebook.get("1952").goldstein == table["195"]


def test_get_unknown_code_raises_config_error(codebook: Codebook) -> None:
    with pytest.raises(ConfigError, match="999"):
        codebook.get("999")
    with pytest.raises(ConfigError, match=r"'0421'.*042"):
        codebook.get("0421")


def test_contains(codebook: Codebook) -> None:
    assert "042" in codebook
    assert "999" not in codebook
    assert 42 not in codebook


def test_plover_for_cameo_rejects_non_codes() -> None:
    for bad in ("", "4", "21", "abc", "12345"):
        with pytest.raises(ConfigError):
            plover_for_cameo(bad)


def test_duplicate_codes_rejected() -> None:
    row = CameoCode("04", "Consult", "04", 1.0, 1, "CONSULT")
    with pytest.raises(DataError, match="'04'"):
        Codebook([row, row])


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "codebook.tsv"
    path.write_text("# a comment\n" + HEADER + body, encoding="utf-8")
    return path


def test_custom_file_loads(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "04\tConsult\t04\t1.0\t1\tCONSULT\n042\tMake a visit\t04\t1.9\t1\tCONSULT\n"
    )
    book = load_codebook(path)
    assert len(book) == 2
    assert book.get("042").goldstein == 1.9
    assert [r.code for r in book.roots()] == ["04"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("042\tMake a visit\t04\t1.9\t1\n", r"line 4: expected 6 .* found 5"),
        ("042\tMake a visit\t04\tlots\t1\tCONSULT\n", r"line 4: goldstein 'lots'"),
        ("042\tMake a visit\t05\t1.9\t1\tCONSULT\n", r"line 4: code '042' has root column '05'"),
        ("042\tMake a visit\t04\t1.9\t1\tMEET\n", r"line 4: plover 'MEET'"),
        ("042\tMake a visit\t04\t1.9\t3\tCONSULT\n", r"line 4: quad_class '3'"),
        ("042\tMake a visit\t04\t11.0\t1\tCONSULT\n", r"line 4: goldstein '11.0'"),
        ("04\tConsult\t04\t1.0\t1\tCONSULT\n", r"line 4: code '04' already defined on line 3"),
        ("4x\tOdd\t4x\t1.0\t1\tCONSULT\n", r"line 4: '4x' is not a CAMEO event code"),
    ],
)
def test_malformed_row_names_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    path = _write(tmp_path, "04\tConsult\t04\t1.0\t1\tCONSULT\n" + row)
    with pytest.raises(DataError, match=message) as info:
        load_codebook(path)
    assert str(path) in str(info.value)


def test_missing_root_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "042\tMake a visit\t04\t1.9\t1\tCONSULT\n")
    with pytest.raises(DataError, match=r"line 3: code '042' has no root row '04'"):
        load_codebook(path)


def test_bad_header(tmp_path: Path) -> None:
    path = tmp_path / "codebook.tsv"
    path.write_text("code\tname\tgoldstein\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 1: expected the header"):
        load_codebook(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read codebook"):
        load_codebook(tmp_path / "nope.tsv")
