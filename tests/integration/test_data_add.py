"""`python -m jsna data add SOURCE_ID FILE` (jsna.release) on real releases, in a temporary copy of
the catalogue, the mirror and data/raw (never the real ones): the two-day Covid-19 update and a new
period of the Year 6 obesity extract are each taken in with one command and then read by their
loaders; a truncated or implausible release is refused and nothing is written."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil

import jsna.catalogue
import jsna.load
import pytest
import yaml
from jsna import fetch, paths
from jsna.catalogue import load_catalogue

pytestmark = pytest.mark.integration

COVID = "covid_england_daily"
OBESITY = "trafford_themes_obese_year6"
# the two days after the catalogued release's last day (2023-12-13: 583 cases, 21,024,823 in all)
NEW_DAYS = [("2023-12-14", 612, 21_024_823 + 612), ("2023-12-15", 540, 21_024_823 + 612 + 540)]


@pytest.fixture
def world(tmp_path, monkeypatch):
    """Copies of the catalogue, of the two sources' mirror files (mirror and data/raw), and env
    pointing the loaders at them."""
    mirror_root = paths.default_mirror()
    if mirror_root is None:
        pytest.skip("no data mirror (set JSNA_DATA_MIRROR or put shared/data beside the repo)")
    cat, mirror, raw = tmp_path / "catalogue", tmp_path / "mirror", tmp_path / "raw"
    shutil.copytree(paths.CATALOGUE_DIR, cat)
    real = load_catalogue(paths.CATALOGUE_DIR)
    for sid in (COVID, OBESITY):
        for root in (mirror, raw):
            dest = root / real[sid].path
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(mirror_root / real[sid].mirror_path, dest)
    monkeypatch.setenv("JSNA_CATALOGUE_DIR", str(cat))
    monkeypatch.setenv("JSNA_DATA_DIR", str(raw))
    monkeypatch.setenv("JSNA_PROCESSED_DIR", str(tmp_path / "processed"))
    monkeypatch.setenv("JSNA_DATA_MIRROR", str(mirror))
    jsna.catalogue.forget_loaded()
    jsna.load._READ_MEMO.clear()
    yield {"cat": cat, "mirror": mirror, "raw": raw, "tmp": tmp_path, "real": real}
    jsna.catalogue.forget_loaded()
    jsna.load._READ_MEMO.clear()


def _add(world, sid, file, *extra):
    return fetch.main(["add", sid, str(file), "--catalogue", str(world["cat"]), "--data-dir", str(world["raw"]),
                       "--mirror", str(world["mirror"]), *extra])


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _entry(world, family, sid):
    return next(e for e in yaml.safe_load((world["cat"] / f"{family}.yaml").read_text(encoding="utf-8"))
                if e["id"] == sid)


def _covid_update(world, rows=NEW_DAYS):
    """The catalogued Covid file with days appended in its own layout (CRLF line ends)."""
    src = world["mirror"] / world["real"][COVID].path
    out = world["tmp"] / "ukhsa_england_cases_deaths28d_daily_new.csv"
    extra = "".join(f"nation,England,E92000001,{day},{cases},{cum},\r\n" for day, cases, cum in rows)
    out.write_bytes(src.read_bytes() + extra.encode())
    return out


def _untouched(world, family, sid):
    """What `data add` must leave as it was when it refuses: the catalogue file, mirror and raw copies."""
    path = world["real"][sid].path
    return ((world["cat"] / f"{family}.yaml").read_bytes(), (world["mirror"] / path).read_bytes(),
            (world["raw"] / path).read_bytes())


def test_the_two_day_covid_update_is_taken_in_with_one_command(world, capsys):
    from jsna.load.covid import england_daily

    before = (world["cat"] / "covid.yaml").read_text(encoding="utf-8")
    new = _covid_update(world)
    assert _add(world, COVID, new) == 0
    out = capsys.readouterr().out
    assert "rows: 1,414 -> 1,416 (2 new, 0 no longer present)" in out
    assert "dates (date): 2020-01-30 to 2023-12-13 -> 2020-01-30 to 2023-12-15" in out

    entry = _entry(world, "covid", COVID)
    assert entry["sha256"] == _sha(new)
    assert entry["expect"]["rows"] == 1414 + 2
    assert entry["expect"]["dates"] == {"column": "date", "first": "2020-01-30", "last": "2023-12-15"}
    assert entry["period"] == "2020-01-30 to 2023-12-15 (deaths 2020-03-02 to 2023-07-03)"
    # edited in place: the four values, and not one other line (comments, quoting, layout kept)
    after = (world["cat"] / "covid.yaml").read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert [b.strip() for _, b in changed] == [f"sha256: {_sha(new)}",
                                                "period: 2020-01-30 to 2023-12-15 (deaths 2020-03-02 to 2023-07-03)",
                                                "rows: 1416", "last: '2023-12-15'"]
    path = world["real"][COVID].path
    assert (world["mirror"] / path).read_bytes() == new.read_bytes()
    assert (world["raw"] / path).read_bytes() == new.read_bytes()
    manifest = list(csv.DictReader(io.StringIO((world["raw"] / "MANIFEST").read_text()), delimiter="\t"))
    assert {r["id"]: r["sha256"] for r in manifest}[COVID] == _sha(new)

    # the loader reads the new release: its last two days are the appended ones
    daily = england_daily(world["raw"])
    assert len(daily) == 1416
    tail = daily.tail(2)
    assert [d.date().isoformat() for d in tail["date"]] == ["2023-12-14", "2023-12-15"]
    assert tail["cases"].tolist() == [612, 540]
    # and `make data --check` finds data/raw as the catalogue says
    assert fetch.main(["--check", "--source", COVID, "--catalogue", str(world["cat"]),
                       "--data-dir", str(world["raw"])]) == 0


def test_a_new_obesity_release_is_taken_in_with_one_command(world, capsys):
    from jsna.load.fingertips import trafford_csv

    src_file = world["mirror"] / world["real"][OBESITY].path
    with open(src_file, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    latest = [r for r in rows if r["period"] == "2024/25"]
    assert len(latest) == 302  # one row per area in the latest single year (SOURCES.md: 302 areas from 2022/23)
    # 2025/26: each area's 2024/25 prevalence 0.3 points lower (NCMP year-on-year moves are of this
    # size); a suppressed value (NA) stays suppressed
    new_rows = [{**r, "period": "2025/26",
                 "value": r["value"] if r["value"] == "NA" else f"{float(r['value']) - 0.3:.1f}"} for r in latest]
    new = world["tmp"] / "obese_year6.csv"
    with open(new, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows([*rows, *new_rows])

    assert _add(world, OBESITY, new) == 0
    out = capsys.readouterr().out
    assert "rows: 3,671 -> 3,973 (302 new, 0 no longer present)" in out
    assert "periods (period): 13 -> 14; new: 2025/26" in out
    entry = _entry(world, "fingertips", OBESITY)
    assert entry["sha256"] == _sha(new)
    assert entry["expect"]["rows"] == {"min": 3671 + 302}
    assert entry["period"] == "2014/15 to 2025/26 (14 periods)"

    tidy = trafford_csv(OBESITY, world["raw"])
    rutland = tidy[(tidy["area_code"] == "E06000017")]
    period_col = "period" if "period" in rutland.columns else "time_period"
    value = rutland.loc[rutland[period_col].astype(str) == "2025/26", "value"]
    assert value.round(1).tolist() == [19.1]  # Rutland 2024/25: 19.4% (the extract), less 0.3


def test_a_truncated_release_is_refused_and_nothing_is_written(world, capsys):
    before = _untouched(world, "covid", COVID)
    full = _covid_update(world)
    cut_mid_row = world["tmp"] / "cut_mid_row.csv"
    # the download stopped inside the last row: ",21025975,\r\n" (12 bytes) missing
    cut_mid_row.write_bytes(full.read_bytes()[:-12])
    assert _add(world, COVID, cut_mid_row) == 1
    err = capsys.readouterr().err
    assert f"{cut_mid_row}: line 1417 has 5 of the header's 7 fields (it stops at column " \
           "'cumCasesBySpecimenDate', value '540')" in err

    cut_at_line = world["tmp"] / "cut_at_line.csv"
    cut_at_line.write_bytes(b"".join(full.read_bytes().splitlines(keepends=True)[:1301]))  # header + 1,300 rows
    assert _add(world, COVID, cut_at_line) == 1
    err = capsys.readouterr().err
    assert "1,300 data rows, fewer than the 1,414 of the catalogued release" in err
    # one row a day from 2020-01-30: row 1,300 is 2020-01-30 + 1,299 days
    assert "column 'date' ends on 2023-08-21, before the catalogued release's last date 2023-12-13" in err
    assert _untouched(world, "covid", COVID) == before


def test_an_implausible_release_is_refused_naming_file_column_and_value(world, capsys):
    before = _untouched(world, "covid", COVID)
    # 5 million cases in a day: above the catalogue's plausible range [0, 2,000,000] for England
    bad = _covid_update(world, [("2023-12-14", 5_000_000, 26_024_823)])
    assert _add(world, COVID, bad) == 1
    err = capsys.readouterr().err
    assert f"{bad}: column 'newCasesBySpecimenDate' line 1,416: value '5000000' is outside the plausible range " \
           "0 to 2000000" in err
    assert _untouched(world, "covid", COVID) == before


def test_dry_run_shows_the_changes_and_writes_nothing(world, capsys):
    before = _untouched(world, "covid", COVID)
    assert _add(world, COVID, _covid_update(world), "--dry-run") == 0
    out = capsys.readouterr().out
    assert "expect.rows: 1414 -> 1416" in out and "expect.dates.last: 2023-12-13 -> 2023-12-15" in out
    assert "dry run: nothing was written" in out
    assert _untouched(world, "covid", COVID) == before
