"""Issue 26: an audit is a named, remembered thing (audits/<name>.yaml), bad audit input fails clearly,
and suppression is for display only. The NHS Health Checks file is SYNTHETIC (tests/fixtures/hea)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from jsna.runner import build as runner_build
from jsna.runner.topics import discover_topics, topic_params
from jsna.topics.health_equity_audit import audit_spec, tables, text
from jsna.topics.health_equity_audit import compute as hea
from jsna.topics.health_equity_audit import service_file as sf

FIX = Path(__file__).resolve().parents[3] / "fixtures" / "hea"
SPEC = FIX / "audits" / "synthetic-nhs-health-checks.yaml"
HEALTH_CHECKS = FIX / "synthetic_nhs_health_checks.csv"
#: the low-uptake practices of the issue (served, eligible), and the practice serving 0 of 1,585
LOW = {"SYNHC01": (1, 38), "SYNHC02": (2, 37), "SYNHC03": (3, 30), "SYNHC04": (4, 35), "SYNHC05": (4, 40),
       "SYNHC06": (4, 41)}


def _needs_lookups():
    if not runner_build._data_present(None):
        pytest.skip("needs the ONS lookups in data/raw")


def test_the_spec_names_the_service_and_its_file():
    spec = audit_spec.read_audit_spec(SPEC)
    assert spec.name == "synthetic-nhs-health-checks" and spec.service == "NHS Health Checks"
    assert spec.title == "Health Equity Audit (synthetic example): NHS Health Checks"
    assert spec.places == ("rutland",) and spec.input == HEALTH_CHECKS.resolve() and spec.synthetic
    assert spec.as_meta()["service"] == "NHS Health Checks"


def test_the_shipped_example_is_a_spec_marked_synthetic():
    from jsna import paths

    (v,) = [v for v in audit_spec.audit_variants(paths.ROOT) if "synthetic" in v.name]
    assert "synthetic" in v.title and v.places == ("llr", "leicester", "leicestershire", "rutland")
    assert Path(v.params["input_csv"]).name == "hea_synthetic_diabetes_tech.csv" and not v.problem


@pytest.mark.parametrize("change, words", [
    (("synthetic: true", "synthetic: false"), "must say synthetic: true"),
    (("service: NHS Health Checks", "service: ''"), "'service' must be a non-empty text"),
    (("columns: [", "columns: [lsoa_2011, "), "lsoa_2011, not a column of the audit"),
    (("places: [rutland]", "places: []"), "'places' must list"),
])
def test_an_invalid_spec_is_named_with_the_fix(tmp_path, change, words):
    d = tmp_path / "audits"
    d.mkdir()
    shutil.copy(HEALTH_CHECKS, tmp_path / HEALTH_CHECKS.name)
    (d / SPEC.name).write_text(SPEC.read_text().replace(*change))
    (v,) = audit_spec.audit_variants(tmp_path)
    assert words in v.problem and v.problem.startswith("audits/synthetic-nhs-health-checks.yaml")


def test_a_real_audit_named_synthetic_is_refused(tmp_path):
    (tmp_path / "audits").mkdir()
    (tmp_path / "audits" / "health-checks.yaml").write_text(SPEC.read_text().replace("synthetic: true", "synthetic: false"))
    shutil.copy(HEALTH_CHECKS, tmp_path / HEALTH_CHECKS.name)
    (v,) = audit_spec.audit_variants(tmp_path)
    assert "is named synthetic" in v.problem


def test_each_spec_is_a_report_of_its_own_with_its_files_as_dependencies():
    topics = {t.id: t for t in discover_topics(variants_dir=FIX)}
    t = topics["health_equity_audit-synthetic-nhs-health-checks"]
    assert t.base == "health_equity_audit" and t.places == ("rutland",) and not t.problem
    assert t.title == "Health Equity Audit (synthetic example): NHS Health Checks"
    opts = topic_params(list(topics.values()), None)[t.id]
    assert opts == {"audit": str(SPEC.resolve()), "input_csv": str(HEALTH_CHECKS.resolve())}
    records = {r["id"] for r in runner_build._param_records(t, opts)}
    assert records == {f"{t.id}.audit", f"{t.id}.input_csv"}  # either file changing rebuilds it


def test_plan_builds_the_audit_for_its_place_only_and_the_plain_report_is_a_one_off(tmp_path):
    _needs_lookups()
    p = runner_build.plan(["rutland", "leicester"], ["health_equity_audit"], reports_dir=tmp_path / "r",
                          variants_dir=FIX)
    assert "rutland/health_equity_audit-synthetic-nhs-health-checks" in p.reasons
    assert not any(k.startswith("leicester/health_equity_audit-synthetic-nhs") for k in p.reasons)
    assert p.skipped["rutland/health_equity_audit"].startswith("Health Equity Audit: each service's audit")
    assert "would be built (no record of an earlier build)" in p.text()


# ------------------------------------------------------------------------- suppression (item 3)
def test_mask_small_keeps_numbers_and_adds_a_secondary_cell():
    t = pd.DataFrame({"g": list("abcd"), "served": [3, 40, 12, 50], "eligible": [30, 100, 40, 90],
                      "value": [10.0, 40.0, 30.0, 55.6]})
    out = hea.mask_small(t)
    # a is below 5 served; alone it could be worked out from the total, so c (next fewest served, 12) goes too
    assert out["suppressed"].tolist() == [True, False, True, False]
    assert out["served"].tolist() == [3, 40, 12, 50] and out["value"].tolist() == t["value"].tolist()


def test_the_low_uptake_practices_stay_counted_and_flagged_with_counts_masked():
    _needs_lookups()
    from jsna.topics import results

    r = results("health_equity_audit", "rutland", audit=str(SPEC), sii_repetitions=1000)
    assert r.ok, r.errors
    raw = pd.read_csv(HEALTH_CHECKS, comment="#").groupby("practice_code")[["served", "eligible"]].sum()
    assert len(raw) == 11 and int(raw.loc["SYNHC07", "eligible"]) == 1585 and int(raw.loc["SYNHC07", "served"]) == 0
    p = r.by_practice.set_index("practice_code")
    assert len(p) == 11  # every practice, the one serving 0 of 1,585 too
    for code, (served, eligible) in LOW.items():
        assert (int(p.loc[code, "served"]), int(p.loc[code, "eligible"])) == (served, eligible)
        assert p.loc[code, "suppressed"]  # masked in display only
    # 0 of 1,585 against 35.3% overall (4,872 of 13,806): far below the 99.8% limit, as 3.09 binomial sd
    # at n = 1,585 is 3.7 points (overdispersion widens this a little, not to 35 points)
    assert round(r.overall, 1) == round(100 * 4872 / 13806, 1) == 35.3
    assert p.loc["SYNHC07", "significance"] == "Low (0.001)"
    low = p[p["significance"].str.startswith("Low")]
    assert set(LOW) & set(low.index), "the low-uptake practices are judged against the funnel"
    first = text.practice_sentences(r.practices_shown, r.overall)[0]
    assert first.startswith(f"Of 11 practices, {len(low)} ")
    shown = tables.practices_outside_display(r.practices_shown)
    masked = shown[shown["Practice"].isin([f"Synthetic practice {c[-2:]}" for c in LOW] + ["Synthetic practice 07"])]
    assert len(masked) == len(low) and set(masked["Served"]) == {"fewer than 5"}
    assert not masked["Uptake (%)"].astype(str).str.match(r"^\d").any()  # banded ("under 14%"), not exact


# ------------------------------------------------------------------------- faulty files (item 2)
def _write(tmp_path: Path, text_: str, name: str = "service.csv") -> Path:
    f = tmp_path / name
    f.write_text(text_, encoding="utf-8")
    return f


def test_lsoa21cd_is_read_through_the_ons_lookup():
    _needs_lookups()
    from jsna.load.geography import lsoa11_lsoa21_lookup, lsoa_lookup

    bridge = lsoa11_lsoa21_lookup()
    split = bridge[bridge["change"] == "S"].iloc[:2]  # two 2021 LSOAs made from one 2011 LSOA
    assert split["lsoa11cd"].nunique() == 1
    df = pd.DataFrame({"lsoa21cd": split["lsoa21cd"], "eligible": ["10", "20"], "served": ["4", "6"]})
    look = lsoa_lookup()
    data, errors = sf.check_hea(df, lsoa_codes=set(look["lsoa11cd"]), lsoa21_lookup=lambda: bridge)
    assert errors.empty, errors
    assert data.data[["lsoa11cd", "eligible", "served"]].values.tolist() == [[split["lsoa11cd"].iloc[0], 30, 10]]
    merged = bridge[bridge["change"] == "M"]["lsoa21cd"].iloc[0]
    data, errors = sf.check_hea(pd.DataFrame({"lsoa21cd": [merged], "eligible": ["10"], "served": ["4"]}),
                                lsoa_codes=set(look["lsoa11cd"]), lsoa21_lookup=lambda: bridge)
    assert data is None and "merging LSOAs 2011" in errors["problem"].iloc[0] and "lsoa11cd" in errors["problem"].iloc[0]


def test_2021_codes_in_lsoa11cd_are_named_once():
    _needs_lookups()
    from jsna.load.geography import lsoa11_lsoa21_lookup, lsoa_lookup

    bridge = lsoa11_lsoa21_lookup()
    new = bridge.loc[~bridge["lsoa21cd"].isin(bridge["lsoa11cd"]), "lsoa21cd"].unique()[:40]
    df = pd.DataFrame({"lsoa11cd": new, "eligible": "10", "served": "2"})
    data, errors = sf.check_hea(df, lsoa_codes=set(lsoa_lookup()["lsoa11cd"]), lsoa21_lookup=lambda: bridge)
    assert data is None and len(errors) == 1
    assert "40 rows give 2021 LSOA codes in lsoa11cd" in errors["problem"].iloc[0]
    assert "name the column lsoa21cd" in errors["problem"].iloc[0]


def test_semicolons_and_decimal_commas_are_recognised_or_named(tmp_path):
    f = _write(tmp_path, "practice_code;eligible;served\nA81001;1585;0\nA81002;40,0;12\n")
    data, errors = sf.check_hea(f)
    assert errors.empty and data.data["eligible"].tolist() == [1585, 40]
    assert any("semicolon-separated" in w for w in data.warnings)
    f = _write(tmp_path, "practice_code;eligible;served\nA81001;1.585;0\n")
    data, errors = sf.check_hea(f)
    assert data is None and "decimal mark is a comma" in errors["problem"].iloc[0]
    f = _write(tmp_path, 'practice_code,eligible,served\nA81001,"1,585",0\nA81002,"40,5",1\n')
    data, errors = sf.check_hea(f)  # a thousands comma is read; "40,5" is not a count
    assert data is None and errors["line"].tolist() == [3] and errors["problem"].iloc[0] == "not a number"


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    assert sf.MAX_FILE_BYTES == 200 * 2**20  # the documented limit
    f = _write(tmp_path, "practice_code,eligible,served\n" + "A81001,10,5\n" * 100)
    monkeypatch.setattr(sf, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(sf, "_parse_frame", lambda *a, **k: pytest.fail("the file was read"))
    data, errors = sf.check_hea(f)
    assert data is None and "the audit reads files of at most" in errors["problem"].iloc[0]


def test_the_spec_layout_is_checked_and_the_failure_is_one_line(tmp_path):
    f = _write(tmp_path, "practice_code,lsoa21cd,eligible,served\nA81001,E01000001,10,5\n")
    data, errors = sf.check_hea(f, columns={c: c for c in ("practice_code", "lsoa11cd", "eligible", "served")})
    assert data is None and "no column lsoa11cd" in errors["problem"].iloc[0]
    message = str(sf.HEAValidationError(str(f), errors))
    assert "\n" not in message and message.startswith("service.csv: 1 problem: line 1")


def test_many_bad_rows_give_a_bounded_error_page(tmp_path):
    f = _write(tmp_path, "practice_code,eligible,served\n" + "".join(f"A{i:06d},ten,5\n" for i in range(200_000)))
    data, errors = sf.check_hea(f)
    assert data is None and len(errors) == 200_000
    shown = tables.error_table(errors)
    assert len(shown) == tables.MAX_ERRORS_SHOWN and len(tables.error_counts(errors)) <= 2
    message = str(sf.HEAValidationError(str(f), errors))
    assert "\n" not in message and len(message) < 500 and "and 199997 more" in message
