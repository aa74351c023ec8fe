"""Issue 26, done-when: a (SYNTHETIC) NHS Health Checks audit under its own spec builds with its own name,
survives a plain build, shows its low-uptake practices with counts masked, and each faulty file fails the
build in one line while the published audit stays untouched. Rutland only: one kernel, few runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jsna.__main__ import main as cli_main
from jsna.runner import build as runner_build

FIX = Path(__file__).resolve().parents[3] / "fixtures" / "hea"
REPORT = "health_equity_audit-synthetic-nhs-health-checks"


@pytest.mark.kernel
def test_a_named_audit_builds_survives_a_plain_build_and_bad_files_fail_without_touching_it(tmp_path, capsys):
    if not runner_build._data_present(None):
        pytest.skip("needs the lookups in data/raw")
    root = tmp_path / "root"
    (root / "audits").mkdir(parents=True)
    shutil.copy(FIX / "audits" / f"{REPORT.split('-', 1)[1]}.yaml", root / "audits")
    data = root / "synthetic_nhs_health_checks.csv"
    good = (FIX / data.name).read_text(encoding="utf-8")
    data.write_text(good, encoding="utf-8")
    reports = tmp_path / "reports"
    args = ["build", "--place", "rutland", "--topic", "health_equity_audit", "--variants-dir", str(root),
            "--reports-dir", str(reports), "--no-progress", "--no-pdf", "--jobs", "1"]
    assert cli_main(args) == 0, capsys.readouterr()
    assert f"rutland/{REPORT}: built" in capsys.readouterr().out
    page = reports / "rutland" / f"{REPORT}.html"
    html = page.read_text(encoding="utf-8")
    assert "NHS Health Checks" in html and "continuous glucose" not in html.lower()
    assert "Synthetic example" in html and "fewer than 5" in html
    assert "Of 11 practices" in html  # the six low-uptake practices and the one serving 0 of 1,585 are counted
    assert cli_main(args) == 0 and f"rutland/{REPORT}: up to date" in capsys.readouterr().out  # a plain build keeps it
    published = page.read_bytes()
    bad_files = {
        "the 2011 column renamed lsoa21cd": good.replace(",lsoa11cd,", ",lsoa21cd,", 1),
        "a 2011 code replaced by a 2021 one": good.replace("E01013801", "E01035102"),
    }
    for why, text in bad_files.items():
        data.write_text(text, encoding="utf-8")
        assert cli_main(args) == 1, why
        out = capsys.readouterr().out
        line = next(x for x in out.splitlines() if x.strip().startswith(f"rutland/{REPORT}:"))
        assert "HEAValidationError" in line and "synthetic_nhs_health_checks.csv" in line, (why, line)
        assert page.read_bytes() == published, why  # the published audit is untouched
        assert (reports / ".build" / "logs" / "rutland" / f"{REPORT}.failed.ipynb").is_file()
