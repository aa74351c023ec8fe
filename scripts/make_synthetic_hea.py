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
framework (CALIBRATION) across LLR, and so that within each of the three authorities uptake in
its most deprived fifth of neighbourhoods is lower than in its least deprived fifth by the
audit's relative gap (29% against 39%). Practice codes are synthetic and no practice is real. A
fixed seed makes the file reproducible byte for byte.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
from jsna import paths
from jsna.topics.health_equity_audit.compute import MINORITY_GROUPS
from jsna.topics.health_equity_audit.service_file import ETHNIC_GROUPS

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
    # District ethnic mix: rounded Census 2021 shares, in jsna.topics.health_equity_audit.service_file.ETHNIC_GROUPS order
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
    # mostly White, as are many in its least deprived fifth, and its most Asian neighbourhoods lie
    # between. Leicester's quintile 1 LSOAs use the "most" mix and the LSOAs of its own least
    # deprived fifth the "least" mix; the other LSOAs take what keeps the city at its district mix
    # (computed by _leicester_mixes from the LSOAs' populations).
    "ethnic_mix_by_deprivation": {"E06000016": {"most": (0.22, 0.08, 0.05, 0.62, 0.03),
                                                "least": (0.33, 0.04, 0.05, 0.55, 0.03)}},
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
    # Uptake model (log odds) = a + e * Leicester - national deprivation steps - b_authority *
    # (5 - local fifth) + c * s + d * minority + the ethnic group, age band and practice effects
    # below, where s is the practice's share of minority ethnic patients (0 to 1, as recorded in
    # the file), minority is 1 for a person in a minority ethnic group and the local fifth is the
    # LSOA's population-weighted IMD fifth within its own upper-tier authority (1 = most
    # deprived, as the report forms them). a, e, c, d, the steps and the slopes b are not assumed:
    # calibrate() solves them (CALIBRATION). c and d are held to plausible sizes: a person in a
    # minority group has at least about a fifth of the odds of uptake (d >= -1.5), and a practice
    # whose patients are all from minority groups at least a twentieth of the odds of one with
    # none (c >= -3); without these bounds the fit would meet the figures with no minority
    # patient served at all.
    "minority_effect_min": -1.5,
    "practice_share_effect_min": -3.0,
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
# (national IMD 2019 quintiles 1 and 5; practice fifths 5 and 1 by minority ethnic share, over LLR)
# and, within each upper-tier authority, to the audit's deprivation gap as an odds ratio (its own
# most against least deprived fifth): the levels differ between authorities (Leicester holds most
# of the practices with the most minority ethnic patients, so its uptake is lower throughout), but
# every authority's page shows the published direction.
CALIBRATION = {"most_deprived": 29.0, "least_deprived": 39.0,
               "most_minority_practices": 14.0, "fewest_minority_practices": 38.0}
#: weight of each authority's within-area odds-ratio target against the four LLR figures (points
#: of uptake per unit of log odds): 30 makes a miss of 0.1 in log odds count as 3 points
LOCAL_WEIGHT = 30.0

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
    from jsna.topics.health_equity_audit.compute import area_deprivation

    lk = lk[lk["utla19cd"].isin(LLR_UTLAS)][["lsoa11cd", "msoa11cd", "lad19cd", "lad19nm", "utla19cd"]]
    out = lk.merge(imd[["lsoa11cd", "imd_decile", "pop_total"]], on="lsoa11cd", how="left")
    if out["imd_decile"].isna().any():
        raise SystemExit("IMD missing for some LLR LSOAs: run `make data` first")
    # each LSOA's fifth within its own upper-tier authority, as that authority's report forms them
    local = pd.concat([area_deprivation(imd, set(g["lsoa11cd"])) for _, g in out.groupby("utla19cd")])
    out = out.merge(local[["area_code", "local_quintile"]].rename(columns={"area_code": "lsoa11cd"}),
                    on="lsoa11cd", how="left")
    return out.sort_values(["lad19cd", "msoa11cd", "lsoa11cd"]).reset_index(drop=True)


def _leicester_mixes(areas: pd.DataFrame) -> dict[str, dict[str, np.ndarray]]:
    """Per district with a mix by deprivation: the "most", "least" and "rest" mixes, "rest" being
    what keeps the district's population at its district mix."""
    out = {}
    for lad, bands in ASSUMPTIONS["ethnic_mix_by_deprivation"].items():
        grp = areas[areas["lad19cd"] == lad]
        band = _band(grp)
        w = grp.groupby(band)["pop_total"].sum() / grp["pop_total"].sum()
        most, least = np.array(bands["most"]), np.array(bands["least"])
        rest = (np.array(ASSUMPTIONS["ethnic_mix"][lad]) - w.get("most", 0) * most
                - w.get("least", 0) * least) / w["rest"]
        if (rest < 0).any():
            raise SystemExit(f"ethnic_mix_by_deprivation for {lad} cannot keep its district mix")
        out[lad] = {"most": most, "least": least, "rest": rest / rest.sum()}
    return out


def _band(areas: pd.DataFrame) -> np.ndarray:
    """'most' for England's most deprived fifth (IMD deciles 1-2), 'least' for the authority's own
    least deprived fifth, else 'rest'."""
    return np.where(areas["imd_decile"] <= 2, "most",
                    np.where(areas["local_quintile"] == 5, "least", "rest"))


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


def _logit(coef: np.ndarray, q: np.ndarray, local: np.ndarray, utla: np.ndarray, share: np.ndarray,
           minority: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """a + e * Leicester - (sum of the national quintile steps between q and 5) - b_utla * (5 -
    local fifth) + c * share + d * minority + fixed. ``utla`` indexes LLR_UTLAS."""
    a, e, c, d = coef[:4]
    steps, slopes = coef[4:8], coef[8:11]
    below = np.concatenate([np.cumsum(np.asarray(steps)[::-1])[::-1], [0.0]])  # q = 1..5
    return (a + e * (utla == 0) - below[q.astype(int) - 1] - slopes[utla] * (5 - local)
            + c * share + d * minority + fixed)


def _log_odds(pct: float) -> float:
    return float(np.log(pct / (100 - pct)))


#: the most the fit may miss a published LLR figure by, in points of expected uptake: the four
#: figures and a gradient inside every authority cannot all be met exactly with LLR's geography
#: (see CALIBRATION); the misses are reported in data/examples/README.md
MAX_MISS = 4.0


def calibrate(q: np.ndarray, local: np.ndarray, utla: np.ndarray, share: np.ndarray,
              minority: np.ndarray, group: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """Solve the uptake coefficients so that the *expected* uptake of these people in national
    quintiles 1 and 5 and in practice mix groups 5 and 1 meets CALIBRATION, and each authority's
    most deprived fifth has the published odds ratio against its least deprived fifth.

    Coefficients: intercept a and a Leicester offset e; c per unit practice minority share and d
    for a person in a minority ethnic group (both <= 0, bounded in ASSUMPTIONS); four steps in log
    odds between neighbouring national deprivation quintiles and one slope per authority per
    local fifth (each >= 0, so uptake never rises with deprivation). A small penalty on unequal
    steps picks the smoothest national gradient that meets the targets."""
    from scipy.optimize import least_squares

    k = int(np.nanmax(group))
    cells = [(q == 1, "most_deprived"), (q == 5, "least_deprived"),
             (group == k, "most_minority_practices"), (group == 1, "fewest_minority_practices")]
    target_lor = _log_odds(CALIBRATION["most_deprived"]) - _log_odds(CALIBRATION["least_deprived"])
    ends = [((utla == i) & (local == 1), (utla == i) & (local == 5)) for i in range(len(LLR_UTLAS))]
    # and each authority's residents in England's most against least deprived fifth, where it has both
    ends += [((utla == i) & (q == 1), (utla == i) & (q == 5)) for i in range(len(LLR_UTLAS))
             if ((utla == i) & (q == 1)).any() and ((utla == i) & (q == 5)).any()]

    def gap(coef: np.ndarray) -> np.ndarray:
        p = 100 / (1 + np.exp(-_logit(coef, q, local, utla, share, minority, fixed)))
        miss = [p[m].mean() - CALIBRATION[key] for m, key in cells]
        rel = [LOCAL_WEIGHT * (_log_odds(p[m1].mean()) - _log_odds(p[m5].mean()) - target_lor)
               for m1, m5 in ends]
        steps = coef[4:8]
        return np.concatenate([miss, rel, 0.05 * (steps - steps.mean())])

    inf = np.inf
    a = ASSUMPTIONS
    lower = [-inf, -inf, a["practice_share_effect_min"], a["minority_effect_min"]] + [0] * 7
    upper = [inf, inf, 0, 0] + [inf] * 7
    x0 = np.array([-0.5, 0.0, -0.5, -0.5] + [0.05] * 7)
    fit = least_squares(gap, x0=x0, bounds=(lower, upper), xtol=1e-12, ftol=1e-12)
    if np.abs(fit.fun[:4]).max() > MAX_MISS or np.abs(fit.fun[4:4 + len(ends)]).max() > LOCAL_WEIGHT * 0.1:
        raise SystemExit(f"calibration failed: expected uptake misses the targets by {fit.fun[:4 + len(ends)]}")
    print("calibration misses (LLR points; authority log-odds x 30):", np.round(fit.fun[:4 + len(ends)], 2))
    return fit.x


#: who is served is drawn by systematic sampling in this order, so that every group contiguous in it
#: (each authority's residents by England's deprivation fifths and, within those, its own fifths)
#: is served within one person of its expected number; other breakdowns (practice, ethnic group)
#: keep the variation of a random draw
SAMPLING_ORDER = ["utla", "q", "local", "practice_code", "lsoa11cd", "true_eth", "age_band"]


def _systematic_draw(p: np.ndarray, order: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """0/1 per person with P(1) = p, drawn by systematic sampling: people are put in ``order``
    (ties in random order) and one random start u in [0, 1) selects person i when the running sum
    of p passes a whole number k + u there. Each person is still served with probability p; the
    number served in any run of people in that order is within one of its expected number."""
    idx = np.lexsort([rng.random(len(p))] + [order[c].to_numpy() for c in reversed(order.columns)])
    cum = np.cumsum(np.asarray(p, dtype=float)[idx])
    u = rng.random()
    chosen = np.floor(cum - u) - np.floor(np.concatenate([[0.0], cum[:-1]]) - u)
    out = np.zeros(len(p), dtype=int)
    out[idx] = chosen.astype(int)
    return out


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
    by_deprivation = _leicester_mixes(areas)
    bands = _band(areas)
    people = []
    for rec, band in zip(areas.itertuples(index=False), bands, strict=True):
        n = rng.poisson(rec.pop_total * a["t1_prevalence"])
        if n == 0:
            continue
        mix = np.array(a["ethnic_mix"].get(rec.lad19cd, a["ethnic_mix"]["default"]))
        if rec.lad19cd in by_deprivation:
            mix = by_deprivation[rec.lad19cd][band]
        conc = a["mix_concentration"].get(rec.lad19cd, a["mix_concentration"]["default"])
        mix = rng.dirichlet(mix * conc + 0.05)
        eth = rng.choice(groups, size=n, p=mix)  # mix is in ETHNIC_GROUPS order
        age = rng.choice(a["age_bands"], size=n, p=a["age_mix"])
        own = rng.random(n) < a["catchment_share"]
        others = by_lad[rec.lad19cd]
        practice = np.where(own, catchment[rec.lsoa11cd], rng.choice(others, size=n))
        quintile = (int(rec.imd_decile) + 1) // 2
        utla = LLR_UTLAS.index(rec.utla19cd)
        for e, g, p in zip(eth, age, practice, strict=True):
            people.append((p, rec.lsoa11cd, e, g, quintile, int(rec.local_quintile), utla))
    df = pd.DataFrame(people, columns=["practice_code", "lsoa11cd", "true_eth", "age_band", "q", "local",
                                       "utla"])
    # Recording: some people's ethnicity is not recorded, at a rate set by their practice.
    miss = rng.random(len(df)) < df["practice_code"].map(unknown_rate).to_numpy()
    stated = rng.random(len(df)) < a["not_stated_share"]
    df["ethnicity"] = np.where(miss, np.where(stated, "Not stated", "Unknown"), df["true_eth"])
    # Uptake: people whose ethnicity is not recorded are also less often offered the service.
    fixed = (df["ethnicity"].map(a["ethnicity_effect"]) + df["age_band"].map(a["age_effect"])
             + df["practice_code"].map(effect)).to_numpy(dtype=float)
    share, group = _practice_mix(df)
    minority = df["true_eth"].isin(MINORITY_GROUPS).to_numpy(dtype=float)
    where = (df["q"].to_numpy(), df["local"].to_numpy(), df["utla"].to_numpy())
    coef = calibrate(*where, share, minority, group, fixed)
    logit = _logit(coef, *where, share, minority, fixed)
    df["served"] = _systematic_draw(1 / (1 + np.exp(-logit)), df[SAMPLING_ORDER], rng)
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
