"""Health Equity Audit input path and robustness: only the named .csv regular file is read, file
contents never echo into the page, all-zero and huge counts are clear errors, and 200,000 bad rows
give a short page (first 50 problems, counts per kind) plus a CSV of every problem."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pytest
from jsna.topics.health_equity_audit import service_file as sf
from jsna.topics.health_equity_audit import tables

SECRET = "db_password=hunter2"
GOOD = Path(__file__).resolve().parents[3] / "fixtures" / "hea" / "good_lsoa.csv"


def _all_text(errors: pd.DataFrame) -> str:
    return sf.format_errors("f", errors, limit=10**6) + errors.to_csv()


@pytest.mark.parametrize("name", ["settings.env", "notes.txt", "data.csv.bak", "noext"])
def test_a_file_that_is_not_csv_is_refused_unread(tmp_path, name):
    f = tmp_path / name
    f.write_text(f"{SECRET}\nserved,eligible\n", encoding="utf-8")
    data, errors = sf.check_hea(f)
    assert data is None and len(errors) == 1
    assert "is not a .csv file" in errors["problem"].iloc[0] and SECRET not in _all_text(errors)


def test_a_symlink_named_csv_to_another_file_is_refused(tmp_path):
    secret = tmp_path / "secret.env"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    link = tmp_path / "innocent.csv"
    link.symlink_to(secret)
    data, errors = sf.check_hea(link)
    assert data is None and "secret.env is not a .csv file" in errors["problem"].iloc[0]
    assert SECRET not in _all_text(errors)


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_non_regular_file_is_refused(tmp_path, kind):
    p = tmp_path / "input.csv"
    p.mkdir() if kind == "directory" else os.mkfifo(p)  # a FIFO would block a reader forever
    data, errors = sf.check_hea(p)
    assert data is None and "is not a regular file" in errors["problem"].iloc[0]


def test_a_csv_with_secrets_for_a_header_quotes_no_contents(tmp_path):
    f = tmp_path / "config.csv"
    f.write_text(f"{SECRET},api_key=abc123\nfoo,bar\n", encoding="utf-8")
    data, errors = sf.check_hea(f)
    text = _all_text(errors)
    assert data is None and "required column missing" in text
    assert "hunter2" not in text and "abc123" not in text
    assert "no column names recognised in the first line" in text


def test_header_names_are_still_quoted(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("practice_code,Eligible,servd\nC82001,10,5\n", encoding="utf-8")
    _, errors = sf.check_hea(f)
    assert "header has: practice_code, eligible, servd" in errors["problem"].iloc[0]


def test_all_eligible_zero_is_a_clear_error():
    df = pd.read_csv(GOOD, dtype=str, keep_default_na=False, comment="#").assign(eligible="0", served="0")
    data, errors = sf.check_hea(df)
    assert data is None and list(errors["column"]) == ["eligible"]
    assert "nobody is eligible" in errors["problem"].iloc[0]


@pytest.mark.parametrize("value", ["1e20", "100000001", "inf"])
def test_a_huge_count_is_a_named_error(value):
    df = pd.read_csv(GOOD, dtype=str, keep_default_na=False, comment="#")
    df.loc[0, "eligible"] = value
    data, errors = sf.check_hea(df)
    assert data is None
    row = errors[errors["column"] == "eligible"].iloc[0]
    assert (row["line"], row["value"]) == (2, value)
    assert "implausibly large" in row["problem"] or "not a number" in row["problem"]


def test_200000_bad_rows_give_a_short_page_and_a_full_csv(tmp_path):
    lines = ["practice_code,lsoa11cd,eligible,served"]
    lines += [f"P{i % 90:05d},E01{i:06d},abc,{'-1' if i % 3 else '5'}" for i in range(200_000)]
    f = tmp_path / "big.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    data, errors = sf.check_hea(f)
    assert time.perf_counter() - t0 < 15  # was 55 s
    # every row: eligible 'abc'; rows with i % 3 != 0 (200,000 - 66,667): served -1
    assert data is None and len(errors) == 200_000 + 133_333
    counts = tables.error_counts(errors)
    assert counts.to_dict("records") == [
        {"Column": "eligible", "Problem": "not a number", "Rows": 200_000},
        {"Column": "served", "Problem": "negative count", "Rows": 133_333}]
    shown = tables.error_table(errors)
    assert len(shown) == tables.MAX_ERRORS_SHOWN == 50 and shown["Line"].iloc[0] == "2"
    out = tables.write_errors_csv(errors, tmp_path / "problems.csv")
    back = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(back) == len(errors) and back["value"].iloc[2] == "'-1"  # no formula in a spreadsheet
