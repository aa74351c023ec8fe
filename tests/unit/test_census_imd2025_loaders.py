"""Census 2021, IoD2025 and 2021-geography loaders: tiny files written here, good and broken; a broken
file raises DataError naming the file and the column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from jsna.catalogue import get_source
from jsna.load import DataError
from jsna.load.census import age_ltla, ethnic_group_ltla, usual_residents_lsoa
from jsna.load.geography import lsoa21_rural_urban
from jsna.load.imd2025 import imd2025_lad_summaries

pytestmark = pytest.mark.usefixtures("fixture_files_trusted")


def _write(data_dir: Path, source_id: str, text: str) -> Path:
    path = get_source(source_id).raw_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".gz":
        import gzip

        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _ethnic_csv(first_label: str = "White: English, Welsh, Scottish, Northern Irish or British (number)") -> str:
    groups = [f"Group: g{i}" for i in range(18)]
    rows = ['"ltla21_code","ltla21_name","ethnic_group","value"',
            f'"E06000099","Testshire","{first_label}",60',
            '"E06000099","Testshire","White: English, Welsh, Scottish, Northern Irish or British (percent)",60']
    for g in groups:
        rows += [f'"E06000099","Testshire","{g} (number)",2', f'"E06000099","Testshire","{g}  (percent)",2.2']
    return "\n".join(rows) + "\n"


def test_ethnic_group_reads_and_checks_labels(tmp_path):
    _write(tmp_path, "census2021_ethnic_group_ltla21", _ethnic_csv())
    df = ethnic_group_ltla(tmp_path)
    assert len(df) == 19 and df["persons"].sum() == 96
    assert "Group: g0" in set(df["ethnic_group"])  # the double space before "(percent)" is tolerated
    assert set(df["broad_group"]) == {"Group", "White"}
    path = _write(tmp_path, "census2021_ethnic_group_ltla21", _ethnic_csv("White British"))
    with pytest.raises(DataError, match=rf"{path}.*'ethnic_group'"):
        ethnic_group_ltla(tmp_path)


def _age_csv(total: int) -> str:
    cols = list(get_source("census2021_age_ltla21").columns)
    values = {c: 0 for c in cols}
    values.update({"date": 2021, "geography": "Testshire", "geography code": "E06000099",
                   "Age: Total; measures: Value": total, "Age: Aged 7 years; measures: Value": 10,
                   "Age: Aged 5 to 9 years; measures: Value": 10, "Age: Aged under 1 year; measures: Value": 3,
                   "Age: Aged 100 years and over; measures: Value": 2})
    return pd.DataFrame([values], columns=cols).to_csv(index=False)


def test_age_single_years_must_sum_to_total(tmp_path):
    _write(tmp_path, "census2021_age_ltla21", _age_csv(15))
    df = age_ltla(tmp_path)
    assert df.loc[0, ["total", "age_0", "age_7", "age_100_plus"]].tolist() == [15, 3, 10, 2]
    path = _write(tmp_path, "census2021_age_ltla21", _age_csv(16))
    with pytest.raises(DataError, match=rf"{path}.*'Age: Total; measures: Value'"):
        age_ltla(tmp_path)


def _ts021(white: int) -> str:
    head = ('\n"TS021 - Ethnic group"\n"x"\n"x"\n"x"\n"x"\n\n'
            '"2021 super output area - lower layer","mnemonic","Total: All usual residents",'
            '"Asian, Asian British or Asian Welsh","Black, Black British, Black Welsh, Caribbean or African",'
            '"Mixed or Multiple ethnic groups","White","Other ethnic group"\n')
    body = f'"Testshire 001A","E01999999",100,10,5,5,{white},10\n"Wales 001A","W01999999",50,0,0,0,50,0\n'
    return head + body + '\n\n"","In order to protect against disclosure of personal information, records"\n'


def test_usual_residents_drops_the_nomis_footer_and_checks_sums(tmp_path):
    _write(tmp_path, "census2021_ethnic_group_lsoa21", _ts021(70))
    df = usual_residents_lsoa(tmp_path)
    assert df[["lsoa21cd", "residents", "white"]].values.tolist() == [["E01999999", 100, 70]]
    assert len(usual_residents_lsoa(tmp_path, england_only=False)) == 2
    path = _write(tmp_path, "census2021_ethnic_group_lsoa21", _ts021(71))
    with pytest.raises(DataError, match=rf"{path}.*'Total: All usual residents'"):
        usual_residents_lsoa(tmp_path)


def test_file10_unexpected_column_is_named(tmp_path):
    cols = list(get_source("imd2025_lad_summaries").columns)
    row = {c: 1 for c in cols} | {"ltla24_code": "E06000099", "ltla24_name": "Testshire"}
    _write(tmp_path, "imd2025_lad_summaries", pd.DataFrame([row]).to_csv(index=False))
    df = imd2025_lad_summaries(tmp_path)
    assert {"lad24cd", "imd_avg_score", "imd_rank_of_avg_score", "imd_extent", "income_rank_of_scale"} <= set(df)
    _write(tmp_path, "imd2025_lad_summaries", pd.DataFrame([row | {"surprise": 1}]).to_csv(index=False))
    with pytest.raises(DataError, match="unexpected column 'surprise'"):
        imd2025_lad_summaries(tmp_path)


def test_rural_urban_classes(tmp_path):
    head = '"lsoa21_code","ruc21_code","classification","ruc"\n'
    _write(tmp_path, "ons_ruc21_lsoa21", head + '"E01999998","RSF1","Smaller rural: Further","Rural"\n'
                                                '"E01999999","UN1","Urban: Nearer","Urban"\n')
    assert lsoa21_rural_urban(tmp_path)["rural"].tolist() == [True, False]
    _write(tmp_path, "ons_ruc21_lsoa21", head + '"E01999999","XX9","?","Urban"\n')
    with pytest.raises(DataError, match="'ruc21_code' has unknown class 'XX9'"):
        lsoa21_rural_urban(tmp_path)
