"""Generate the SYNTHETIC Health Equity Audit example: a diabetes technology service.

    .venv/bin/python scripts/make_synthetic_hea.py [--seed 2019] [--out data/examples/...csv]

Writes data/examples/hea_synthetic_diabetes_tech.csv: continuous glucose monitoring (CGM)
uptake among people with type 1 diabetes, counted by synthetic GP practice (SYN001...), residence
LSOA (2011), ethnic group and age band, for every LSOA in Leicester, Leicestershire and Rutland.

Nothing in it is real patient data. What is real: the list of LLR LSOAs, their districts and
MSOAs (ONS lookup) and their IMD 2019 scores and mid-2015 populations (MHCLG), read through
jsna.load. Everything else is drawn at random from stated assumptions (ASSUMPTIONS below):
type 1 prevalence, district ethnic mix (rounded Census 2021 shares), age mix, ethnicity
recording by practice, and an uptake model that falls with deprivation and is lower for some
groups. The uptake model's coefficients are solved so that the expected uptake matches the
published Freestyle Libre audit in Leicester, Leicestershire and Rutland's "Better health for all"
framework (CALIBRATION). Practice codes are synthetic and no practice is real. A fixed seed makes
the file reproducible byte for byte.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from jsna import paths
from jsna.topics.health_equity_audit.compute import ETHNIC_GROUPS, MINORITY_GROUPS

LLR_UTLAS = ("E06000016", "E10000018", "E06000017")
DEFAULT_OUT = paths.ROOT / "data" / "examples" / "hea_synthetic_diabetes_tech.csv"

ASSUMPTIONS = {
    # People with type 1 diabetes per resident (all ages): about 0.45% (NHS Digital's National
    # Diabetes Audit finds roughly 1 in 220 people).
    "t1_prevalence": 0.0045,
    # Registered population per synthetic practice (English average list size is about 9,000).
    "list_size": 9000,
    # Share of patients registered with their catchment practice (the rest with another
    # practice in the same district).
    "catchment_share": 0.85,
    # District ethnic mix: rounded Census 2021 shares, in jsna.topics.health_equity_audit.compute.ETHNIC_GROUPS order
    # (Asian, Black, Mixed, White, Other).
    "ethnic_mix": {
        "E06000016": (0.43, 0.08, 0.04, 0.41, 0.04),  # Leicester
        "E07000135": (0.27, 0.03, 0.03, 0.65, 0.02),  # Oadby and Wigston
        "E07000130": (0.10, 0.01, 0.02, 0.86, 0.01),  # Charnwood
        "E07000129": (0.09, 0.02, 0.02, 0.86, 0.01),  # Blaby
        "default": (0.03, 0.01, 0.02, 0.935, 0.005),  # other districts and Rutland
    },
    # A simplification of Census 2021 patterns: many of Leicester's most deprived LSOAs (IMD 2019
    # quintile 1 of England, about a third of its people) are outer estates whose residents are
    # mostly White, and its most Asian neighbourhoods are mostly less deprived. Its quintile 1 LSOAs
    # use the first mix, the rest the second, so the city keeps about its district mix.
    "ethnic_mix_most_deprived": {"E06000016": (0.10, 0.06, 0.05, 0.76, 0.03)},
    "ethnic_mix_rest": {"E06000016": (0.60, 0.09, 0.04, 0.23, 0.04)},
    # How much the mix varies between a district's LSOAs (Dirichlet concentration; lower = more
    # varied). Leicester's neighbourhoods are far from alike (Census 2021: from under a tenth to
    # over four fifths Asian), and its most deprived estates are mostly White while other
    # deprived areas are mostly Asian; elsewhere LSOAs stay close to the district mix.
    "mix_concentration": {"E06000016": 3.0, "default": 30.0},
    "age_bands": ("0-17", "18-39", "40-64", "65+"),
    "age_mix": (0.12, 0.35, 0.38, 0.15),
    # Ethnicity not recorded: practice-level share ~ Beta(2, 16) (mean 11%); a fifth of those
    # are "Not stated" (asked, declined), the rest "Unknown".
    "unknown_beta": (2.0, 16.0),
    "not_stated_share": 0.2,
    # Uptake model (log odds) = a - deprivation steps + c * s + d * minority + the ethnic group,
    # age band and practice effects below, where s is the practice's share of minority ethnic
    # patients (0 to 1, as recorded in the file) and minority is 1 for a person in a minority
    # ethnic group. a, c, d and the steps are not assumed: calibrate() solves them so that the
    # expected uptake matches the published audit (CALIBRATION).
    "ethnicity_effect": {"Asian or Asian British": -0.35,
                         "Black, Black British, Caribbean or African": -0.7,
                         "Mixed or Multiple ethnic groups": -0.2, "White": 0.0,
                         "Other ethnic group": -0.35, "Not stated": -0.4, "Unknown": -0.6},
    "age_effect": {"0-17": 0.9, "18-39": 0.0, "40-64": -0.1, "65+": -0.5},
    "practice_sd": 0.3,
    # A few practices far from the rest, so the funnel plot has something to find.
    "outliers": {"low": 3, "high": 2, "size": 1.1},
}

# The published Freestyle Libre audit in Leicester, Leicestershire and Rutland's "Better health
# for all" framework: uptake (%) in the most vs least deprived areas and in the practices with the
# most vs the fewest ethnic-minority patients. The generator is calibrated to these four figures
# (national IMD 2019 quintiles 1 and 5; practice fifths 5 and 1 by minority ethnic share, over LLR).
CALIBRATION = {"most_deprived": 29.0, "least_deprived": 39.0,
               "most_minority_practices": 14.0, "fewest_minority_practices": 38.0}

HEADER = """\
# SYNTHETIC DATA - NOT REAL PATIENTS. Example input for the Health Equity Audit notebook.
# Service: continuous glucose monitoring (CGM) for people with type 1 diabetes (invented counts).
# Generated by scripts/make_synthetic_hea.py (seed {seed}) from the real LLR LSOA list and IMD 2019;
# practice codes SYN001... are synthetic and no practice, patient or count here is real.
"""


def _areas(data_dir: Path | None) -> pd.DataFrame:
    from jsna.load.geography import lsoa_lookup
    from jsna.load.imd import imd2019_lsoa

    lk = lsoa_lookup(data_dir=data_dir) if data_dir else lsoa_lookup()
    imd = imd2019_lsoa(data_dir=data_dir) if data_dir else imd2019_lsoa()
    lk = lk[lk["utla19cd"].isin(LLR_UTLAS)][["lsoa11cd", "msoa11cd", "lad19cd", "lad19nm"]]
    out = lk.merge(imd[["lsoa11cd", "imd_decile", "pop_total"]], on="lsoa11cd", how="left")
    if out["imd_decile"].isna().any():
        raise SystemExit("IMD missing for some LLR LSOAs: run `make data` first")
    return out.sort_values(["lad19cd", "msoa11cd", "lsoa11cd"]).reset_index(drop=True)


def _practices(areas: pd.DataFrame) -> pd.DataFrame:
    """Contiguous catchments: each district's LSOAs (ordered by MSOA) cut into equal-size lists."""
    rows, n_total = [], 0
    for lad, grp in areas.groupby("lad19cd", sort=True):
        n = max(2, round(grp["pop_total"].sum() / ASSUMPTIONS["list_size"]))
        cum = grp["pop_total"].cumsum() / grp["pop_total"].sum()
        idx = np.minimum((cum.to_numpy() * n - 1e-9).astype(int), n - 1)
        for k in range(n):
            n_total += 1
            rows.append({"lad19cd": lad, "practice_code": f"SYN{n_total:03d}",
                         "practice_name": f"Synthetic {grp['lad19nm'].iloc[0]} practice {n_total}",
                         "lsoas": list(grp["lsoa11cd"].to_numpy()[idx == k])})
    return pd.DataFrame(rows)


def _practice_mix(people: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per person: their practice's minority ethnic share (0-1) and mix group (1 = fewest), from
    the recorded ethnicity, grouped exactly as the report groups them."""
    from jsna.topics.health_equity_audit.compute import practice_ethnic_mix, practice_mix_groups

    rows = people.assign(eligible=1, served=0)
    mix = practice_mix_groups(practice_ethnic_mix(rows)).set_index("practice_code")
    share = people["practice_code"].map(mix["minority_share"] / 100).to_numpy(dtype=float)
    group = people["practice_code"].map(mix["mix_group"]).to_numpy(dtype=float)
    return share, group


def _logit(coef: np.ndarray, q: np.ndarray, share: np.ndarray, minority: np.ndarray,
           fixed: np.ndarray) -> np.ndarray:
    """a - (sum of the quintile steps between q and 5) + c * share + d * minority + fixed."""
    a, c, d, *steps = coef
    below = np.concatenate([np.cumsum(np.asarray(steps)[::-1])[::-1], [0.0]])  # q = 1..5
    return a - below[q.astype(int) - 1] + c * share + d * minority + fixed


def calibrate(q: np.ndarray, share: np.ndarray, minority: np.ndarray, group: np.ndarray,
              fixed: np.ndarray) -> np.ndarray:
    """Solve the uptake coefficients so that the *expected* uptake of these people in national
    quintiles 1 and 5 and in practice mix groups 5 and 1 equals CALIBRATION.

    Coefficients: intercept a; c per unit practice minority share and d for a person in a minority
    ethnic group (both <= 0); four steps in log odds between neighbouring deprivation quintiles
    (each >= 0, so uptake never rises with deprivation). Seven unknowns for four targets: a small
    penalty on unequal steps picks the smoothest gradient that meets them."""
    from scipy.optimize import least_squares

    k = int(np.nanmax(group))
    cells = [(q == 1, "most_deprived"), (q == 5, "least_deprived"),
             (group == k, "most_minority_practices"), (group == 1, "fewest_minority_practices")]

    def gap(coef: np.ndarray) -> np.ndarray:
        p = 1 / (1 + np.exp(-_logit(coef, q, share, minority, fixed)))
        miss = [100 * p[m].mean() - CALIBRATION[key] for m, key in cells]
        steps = coef[3:]
        return np.concatenate([miss, 0.01 * (steps - steps.mean())])

    inf = np.inf
    fit = least_squares(gap, x0=np.array([-0.5, -0.5, -0.5, 0.1, 0.1, 0.1, 0.1]),
                        bounds=([-inf, -inf, -inf, 0, 0, 0, 0], [inf, 0, 0, inf, inf, inf, inf]),
                        xtol=1e-12, ftol=1e-12)
    if np.abs(fit.fun[:4]).max() > 0.05:
        raise SystemExit(f"calibration failed: expected uptake misses the targets by {fit.fun[:4]}")
    return fit.x


def generate(seed: int = 2019, data_dir: Path | None = None) -> pd.DataFrame:
    """The synthetic counts (one row per practice x LSOA x ethnic group x age band with anyone eligible)."""
    rng = np.random.default_rng(seed)
    a = ASSUMPTIONS
    areas = _areas(data_dir)
    prac = _practices(areas)
    catchment = {lsoa: code for code, lsoas in zip(prac["practice_code"], prac["lsoas"], strict=True)
                 for lsoa in lsoas}
    by_lad = prac.groupby("lad19cd")["practice_code"].apply(list).to_dict()
    codes = prac["practice_code"].to_numpy()
    effect = dict(zip(codes, rng.normal(0, a["practice_sd"], len(codes)), strict=True))
    picks = rng.choice(codes, a["outliers"]["low"] + a["outliers"]["high"], replace=False)
    for i, code in enumerate(picks):
        effect[code] = -a["outliers"]["size"] if i < a["outliers"]["low"] else a["outliers"]["size"]
    unknown_rate = dict(zip(codes, rng.beta(*a["unknown_beta"], len(codes)), strict=True))

    groups = list(ETHNIC_GROUPS)
    people = []
    for rec in areas.itertuples(index=False):
        n = rng.poisson(rec.pop_total * a["t1_prevalence"])
        if n == 0:
            continue
        mix = np.array(a["ethnic_mix"].get(rec.lad19cd, a["ethnic_mix"]["default"]))
        split = a["ethnic_mix_most_deprived" if rec.imd_decile <= 2 else "ethnic_mix_rest"]
        mix = np.array(split.get(rec.lad19cd, mix))
        conc = a["mix_concentration"].get(rec.lad19cd, a["mix_concentration"]["default"])
        mix = rng.dirichlet(mix * conc + 0.05)
        eth = rng.choice(groups, size=n, p=mix)  # mix is in ETHNIC_GROUPS order
        age = rng.choice(a["age_bands"], size=n, p=a["age_mix"])
        own = rng.random(n) < a["catchment_share"]
        others = by_lad[rec.lad19cd]
        practice = np.where(own, catchment[rec.lsoa11cd], rng.choice(others, size=n))
        quintile = (int(rec.imd_decile) + 1) // 2
        for e, g, p in zip(eth, age, practice, strict=True):
            people.append((p, rec.lsoa11cd, e, g, quintile))
    df = pd.DataFrame(people, columns=["practice_code", "lsoa11cd", "true_eth", "age_band", "q"])
    # Recording: some people's ethnicity is not recorded, at a rate set by their practice.
    miss = rng.random(len(df)) < df["practice_code"].map(unknown_rate).to_numpy()
    stated = rng.random(len(df)) < a["not_stated_share"]
    df["ethnicity"] = np.where(miss, np.where(stated, "Not stated", "Unknown"), df["true_eth"])
    # Uptake: people whose ethnicity is not recorded are also less often offered the service.
    fixed = (df["ethnicity"].map(a["ethnicity_effect"]) + df["age_band"].map(a["age_effect"])
             + df["practice_code"].map(effect)).to_numpy(dtype=float)
    share, group = _practice_mix(df)
    minority = df["true_eth"].isin(MINORITY_GROUPS).to_numpy(dtype=float)
    coef = calibrate(df["q"].to_numpy(), share, minority, group, fixed)
    logit = _logit(coef, df["q"].to_numpy(), share, minority, fixed)
    df["served"] = (rng.random(len(df)) < 1 / (1 + np.exp(-logit))).astype(int)
    df["eligible"] = 1
    out = (df.groupby(["practice_code", "lsoa11cd", "ethnicity", "age_band"], as_index=False)
           [["eligible", "served"]].sum())
    names = prac.set_index("practice_code")["practice_name"]
    out.insert(1, "practice_name", out["practice_code"].map(names))
    assert set(out["ethnicity"]) <= set(groups) | {"Not stated", "Unknown"}
    return out.sort_values(["practice_code", "lsoa11cd", "ethnicity", "age_band"]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=2019)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--data-dir", type=Path, default=None, help="data/raw by default")
    args = ap.parse_args(argv)
    out = generate(args.seed, args.data_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER.format(seed=args.seed))
        out.to_csv(fh, index=False, lineterminator="\n")
    print(f"wrote {args.out}: {len(out):,} rows, {out['eligible'].sum():,} eligible, "
          f"{out['served'].sum():,} served (SYNTHETIC)")


if __name__ == "__main__":
    main()
