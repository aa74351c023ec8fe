"""Core20PLUS5 view: who lives in England's most deprived 20% of neighbourhoods, and what local
indicators say about the five clinical areas of NHS England's adult and children's frameworks.

"Core20" = LSOAs in national IMD 2019 deciles 1 and 2. Populations are MHCLG's File 6
denominators (ONS mid-2015, excluding prisoners), the ones the IMD itself uses.

The "PLUS" context (:func:`plus_table`) counts Census 2021 residents by ethnic group (five groups,
LSOA 2021) in the same Core20 neighbourhoods: each LSOA 2021 takes the status of its LSOA(s) 2011
through the ONS lookup (:func:`lsoa21_core20_status`); one made from Core20 and non-Core20 LSOAs is
"ambiguous" and counted in neither group. There is one Core20 definition (IMD 2019); only the
population counted in it differs (mid-2015 for the headline, Census 2021 for ethnic groups).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jsna.areas import core20_summary
from jsna.words import shown_difference

NO_LOCAL_INDICATOR = "No local indicator in the data"
CANCER_STAGE_AMBITION = 75.0  # % of cancers diagnosed at stage 1 or 2 by 2028 (NHS Long Term Plan)

__all__ = [
    "CANCER_STAGE_AMBITION", "ClinicalArea", "CLINICAL_AREAS", "core20_by_district",
    "clinical_area_table", "lsoa21_core20_status", "plus_table",
]


def core20_by_district(lsoas: pd.DataFrame) -> pd.DataFrame:
    """Core20 population per district (lower-tier LA), largest Core20 population first
    (:func:`jsna.areas.core20_summary`)."""
    out = core20_summary(lsoas, by=("lad19cd", "lad19nm"))
    return out.sort_values("pop_core20", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- the five clinical areas
@dataclass(frozen=True)
class ClinicalArea:
    framework: str  # "Adults" or "Children and young people"
    area: str
    focus: str
    ambition: float | None = None
    needed: str = ""  # the indicator that would fill the gap (the local indicator held is then a proxy)
    fills: str = ""  # where the area has its own indicator: the published source that fills an empty row


CLINICAL_AREAS: tuple[ClinicalArea, ...] = (
    ClinicalArea("Adults", "Maternity", "continuity of carer for Black, Asian and ethnic minority "
                 "women and those from the most deprived groups", needed="Maternity Services Data Set "
                 "continuity-of-carer rates by ethnicity and deprivation"),
    ClinicalArea("Adults", "Severe mental illness", "annual physical health checks for people with SMI",
                 needed="SMI physical health check uptake (NHS England quarterly)"),
    ClinicalArea("Adults", "Chronic respiratory disease", "COPD; flu, Covid and pneumonia vaccination",
                 needed="COPD emergency admissions (Fingertips) and vaccination uptake"),
    ClinicalArea("Adults", "Early cancer diagnosis", "75% of cancers diagnosed at stage 1 or 2 by 2028",
                 ambition=CANCER_STAGE_AMBITION, fills="cancers diagnosed at stage 1 or 2 for the council "
                 "(ONS Explore local statistics, from the National Disease Registration Service)"),
    ClinicalArea("Adults", "Hypertension case-finding", "optimal management and lipid control to cut "
                 "heart attacks and strokes",
                 needed="hypertension diagnosed vs expected prevalence, treated to target (CVDPREVENT)"),
    ClinicalArea("Adults", "Smoking cessation (enabler)", "smoking cessation across all five areas",
                 fills="smoking prevalence in adults for the council (OHID Fingertips, from the Annual Population "
                 "Survey)"),
    ClinicalArea("Children and young people", "Asthma", "over-reliance on reliever medication, "
                 "emergency admissions", needed="asthma emergency admissions under 19 (Fingertips)"),
    ClinicalArea("Children and young people", "Diabetes", "glucose monitoring and HbA1c in deprived "
                 "and ethnic minority groups", needed="National Paediatric Diabetes Audit by deprivation"),
    ClinicalArea("Children and young people", "Epilepsy", "access to epilepsy specialist nurses",
                 needed="epilepsy specialist nurse access (Epilepsy12 audit)"),
    ClinicalArea("Children and young people", "Oral health", "tooth extractions for decay in "
                 "children under 10", needed="hospital tooth extractions for decay, age 0-10 (Fingertips)"),
    ClinicalArea("Children and young people", "Mental health", "access to services for 0-17 year olds",
                 needed="CYP mental-health service access by deprivation and ethnicity"),
)


def clinical_area_table(dash: pd.DataFrame, areas: Sequence[ClinicalArea] = CLINICAL_AREAS) -> pd.DataFrame:
    """One row per clinical area and local indicator (or one 'no local indicator' row).

    `dash` is jsna.topics.equity_dashboard.compute.dashboard output for one area; an indicator informs a clinical
    area when its ``core20`` field (data/indicators.yaml) names the area. Columns: framework, clinical_area, focus,
    indicator, period, value, england, vs_england (95%), ambition (text), status.
    """
    recs = []
    for ca in areas:
        rows = dash[(dash["core20"] == ca.area) & dash["value"].notna()]
        if rows.empty:
            recs.append({"framework": ca.framework, "clinical_area": ca.area, "focus": ca.focus,
                         "indicator": NO_LOCAL_INDICATOR, "period": None, "value": np.nan,
                         "england": np.nan, "vs_england": "not available", "ambition": "",
                         "status": f"Missing: {ca.needed or ca.fills}"})
            continue
        for _, r in rows.iterrows():
            amb = ""
            if ca.ambition is not None:
                gap = shown_difference(ca.ambition, r["value"], 1)  # of the values as shown
                reached = (pd.notna(r["lower95"]) and r["lower95"] >= ca.ambition) or r["value"] >= ca.ambition
                amb = (f"{ca.ambition:g}% ambition: met" if reached else
                       f"{ca.ambition:g}% ambition: {gap:.1f} percentage points short")
            recs.append({"framework": ca.framework, "clinical_area": ca.area, "focus": ca.focus,
                         "indicator": r["name"], "period": r["period"], "value": r["value"],
                         "england": r["england"], "vs_england": r["sig95"], "ambition": amb,
                         "status": f"Proxy only; still needed: {ca.needed}" if ca.needed
                         else "Indicator available"})
    return pd.DataFrame.from_records(recs)


def clinical_areas_without_indicator(table: pd.DataFrame) -> tuple[int, int]:
    """(clinical areas with no local indicator, clinical areas) in one area's clinical-area table."""
    return (int(table.loc[table["indicator"] == NO_LOCAL_INDICATOR, "clinical_area"].nunique()),
            int(table["clinical_area"].nunique()))


# --------------------------------------------------------------------------- the PLUS context: Census 2021
#: Core20 status of an LSOA 2021 (:func:`lsoa21_core20_status`)
CORE20, NOT_CORE20, AMBIGUOUS = "Core20", "Not Core20", "Ambiguous"
#: Census 2021 reference date and the label set beside every Census value
CENSUS_PERIOD = "Census 2021 (21 March 2021)"
#: Core20 counts below this are not shown (small-count suppression, :func:`jsna.stats.suppress.suppress`)
PLUS_SUPPRESS_BELOW = 10
PLUS_METHOD = ("Census 2021 counts are published for the 2021 neighbourhoods (LSOAs), while Core20 is defined on "
               "the 2011 neighbourhoods of IMD 2019, so each 2021 neighbourhood takes the Core20 status of the "
               "2011 neighbourhood or neighbourhoods it was made from in the ONS 2011 to 2021 lookup: one left unchanged or "
               "split from a 2011 neighbourhood takes that neighbourhood's status, and one merged from several "
               "or changed irregularly is Core20 (or not) when all of them agree and is counted as ambiguous, "
               "in neither group, when they do not.")


def lsoa21_core20_status(bridge: pd.DataFrame, lsoas11: pd.DataFrame) -> pd.DataFrame:
    """Core20 status of each LSOA 2021 made from the Place's LSOAs 2011.

    ``bridge``: the ONS LSOA 2011 -> 2021 lookup (jsna.load.geography.lsoa11_lsoa21_lookup: lsoa11cd,
    lsoa21cd, change U/S/M/X);
    ``lsoas11``: the Place's LSOAs 2011 with ``core20`` (:func:`jsna.areas.lsoas`). An LSOA 2021 whose
    2011 parents (U unchanged, S split: one parent) are all Core20 is "Core20", none "Not Core20", some
    (M merged or X irregular with mixed parents) "Ambiguous". Parents outside the Place are ignored.
    Columns: lsoa21cd, change, parents, parents_core20, status.
    """
    b = bridge[["lsoa11cd", "lsoa21cd", "change"]].merge(lsoas11[["lsoa11cd", "core20"]], on="lsoa11cd",
                                                          how="inner")
    g = b.groupby("lsoa21cd").agg(change=("change", lambda s: "".join(sorted(set(s)))),
                                  parents=("lsoa11cd", "nunique"), parents_core20=("core20", "sum"))
    g["status"] = np.select([g["parents_core20"] == g["parents"], g["parents_core20"] == 0],
                            [CORE20, NOT_CORE20], AMBIGUOUS)
    g["parents_core20"] = g["parents_core20"].astype("int64")
    return g.reset_index()


def plus_table(residents: pd.DataFrame, status: pd.DataFrame,
               groups: dict[str, str] | None = None) -> pd.DataFrame:
    """Census 2021 residents by ethnic group inside and outside Core20 neighbourhoods.

    ``residents``: :func:`jsna.load.census.usual_residents_lsoa` rows (lsoa21cd, residents and the
    group columns); ``status``: :func:`lsoa21_core20_status`. One row per group and a last row "All
    residents": group, residents, core20, not_core20, ambiguous, share_core20 (% of the group's
    residents living in Core20 neighbourhoods, ambiguous ones in the denominator) and suppressed (True
    where a Core20 count of 1-9 is withheld, with its share and the not-Core20 count).
    """
    from jsna.load.census import ETHNIC_GROUP_NAMES

    groups = groups or ETHNIC_GROUP_NAMES
    d = residents.merge(status[["lsoa21cd", "status"]], on="lsoa21cd", how="inner", validate="1:1")
    recs = []
    for col, name in [*groups.items(), ("residents", "All residents")]:
        by = d.groupby("status")[col].sum()
        tot = int(d[col].sum())
        c20 = int(by.get(CORE20, 0))
        recs.append({"group": name, "residents": tot, "core20": c20, "not_core20": int(by.get(NOT_CORE20, 0)),
                     "ambiguous": int(by.get(AMBIGUOUS, 0)),
                     "share_core20": 100 * c20 / tot if tot else np.nan})
    out = pd.DataFrame.from_records(recs)
    small = (out["core20"] > 0) & (out["core20"] < PLUS_SUPPRESS_BELOW)
    out["suppressed"] = small
    out = out.astype({"core20": "float64", "not_core20": "float64", "share_core20": "float64"})
    out.loc[small, ["core20", "not_core20", "share_core20"]] = np.nan
    return out
