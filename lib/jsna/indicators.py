"""The life-course indicator registry for the "tale of two babies".

Each :class:`Indicator` says what is measured, at which life stage, from which catalogued source,
at what geography, in what unit, which direction is worse, for which period, and how the two
babies' values are computed (``kind``):

* ``imd_rate``  LSOA IoD2019 rate score x its denominator population = numerator; the group's
  value is a proportion (Wilson limits via jsna.stats.proportion).
* ``lsoa_mean`` LSOA score or indicator without counts: population-weighted mean, no interval.
* ``msoa_le``   MSOA life expectancy (LE 2016-20, HLE or DFLE 2009-13): person-weighted mean of
  the MSOA values, limits from the published MSOA limits (independent errors assumed).
* ``covid_rate`` MSOA Covid-19 deaths / mid-2019 population, crude rate (jsna.stats.rate).
* ``la``        LA-level only: the Place against England, from jsna.load.fingertips.
"""

from __future__ import annotations

from dataclasses import dataclass, field

STAGES = ("Start well", "Grow well", "Live well", "Age well", "Die well")
KINDS = ("imd_rate", "lsoa_mean", "msoa_le", "covid_rate", "la")
POLARITIES = ("high_is_bad", "high_is_good", "no_judgement")


@dataclass(frozen=True)
class Indicator:
    """One indicator of the life course."""

    id: str
    name: str
    stage: str
    kind: str
    source_id: str
    geography: str  # "LSOA", "MSOA" or "LA"
    unit: str  # shown on the chart and table, e.g. "%", "years", "per 100,000"
    polarity: str
    period: str
    method: str
    value_col: str = ""  # imd_rate/lsoa_mean: column of the LSOA frame
    pop_col: str = "pop_total"  # denominator / weight column of the LSOA frame
    multiplier: float = 1.0
    sex: str = ""  # msoa_le: "Male"/"Female"
    measure: str = ""  # msoa_le: "le", "hle" or "dfle"
    dp: int = 1
    la_sources: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (source_id, indicator_id)
    la_sex: str = "Persons"

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise ValueError(f"indicator {self.id!r}: stage {self.stage!r} not in {STAGES}")
        if self.kind not in KINDS:
            raise ValueError(f"indicator {self.id!r}: kind {self.kind!r} not in {KINDS}")
        if self.polarity not in POLARITIES:
            raise ValueError(f"indicator {self.id!r}: polarity {self.polarity!r} not in {POLARITIES}")
        if self.kind == "la" and not self.la_sources:
            raise ValueError(f"indicator {self.id!r}: kind 'la' needs la_sources")

    @property
    def is_small_area(self) -> bool:
        """True when the two babies (most vs least deprived fifth) can be compared."""
        return self.kind != "la"


_IOD_NOTE = (" Inputs are mostly from 2015-17 (see the IoD2019 Technical Report); populations are "
             "ONS mid-2015 estimates.")
_IMD_RATE = ("Numerator = IoD2019 {what} rate x the IoD2019 mid-2015 {pop} population of each LSOA "
             "(the rate is a proportion of that population), summed over the LSOAs of the group; "
             "proportion with Wilson 95% limits. IMD itself contains this domain, so part of the gap "
             "follows from how the groups are defined.")
_LSOA_MEAN = ("Population-weighted mean (IoD2019 mid-2015 total population) of the published LSOA "
              "values; no interval because the source gives no counts.")
_IMD_RATE += _IOD_NOTE
_LSOA_MEAN += _IOD_NOTE
_MSOA_LE = ("Mean of the published MSOA {what}, weighted by {weight}; 95% limits combine the MSOA "
            "limits assuming independent errors. The file gives no deaths by age, so a pooled life "
            "table cannot be recomputed: this is an approximation to the group's {what}.")

_HLE_METHOD = _MSOA_LE.format(what="healthy life expectancy",
                              weight="IoD2019 mid-2015 MSOA population")
_DFLE_METHOD = _MSOA_LE.format(what="disability-free life expectancy",
                               weight="IoD2019 mid-2015 MSOA population")
_LE_METHOD = _MSOA_LE.format(what="life expectancy", weight="person-years (2016-20)")

REGISTRY: tuple[Indicator, ...] = (
    # ------------------------------------------------------------------ start well
    Indicator("idaci", "Children in income-deprived families", "Start well", "imd_rate",
              "imd2019_lsoa", "LSOA", "%", "high_is_bad", "IoD2019",
              _IMD_RATE.format(what="IDACI", pop="0-15"), value_col="idaci_score",
              pop_col="pop_0_15", multiplier=100),
    Indicator("school_readiness_fsm", "School readiness: children on free school meals with a good "
              "level of development", "Start well", "la", "trafford_dashboard_school_readiness_fsm",
              "LA", "%", "high_is_good", "latest", "Published LA value (Fingertips), Place vs England.",
              la_sources=(("trafford_dashboard_school_readiness_fsm",
                           "children_with_free_school_meal_status_achieving_a_good_level_of_development_at_the_end_of_reception"),)),
    # ------------------------------------------------------------------ grow well
    Indicator("cyp_education", "Children and young people education score", "Grow well",
              "lsoa_mean", "imd2019_lsoa", "LSOA", "score", "high_is_bad", "IoD2019", _LSOA_MEAN,
              value_col="cyp_score", dp=2),
    Indicator("not_staying_on", "Young people not staying on in education after 16", "Grow well",
              "lsoa_mean", "imd2019_indicators_file8", "LSOA", "%", "high_is_bad", "IoD2019", _LSOA_MEAN,
              value_col="staying_on_post16", multiplier=100),
    Indicator("obesity_reception", "Obesity at Reception (age 4-5)", "Grow well", "la",
              "trafford_themes_obese_reception", "LA", "%", "high_is_bad", "latest",
              "Published LA value (Fingertips, National Child Measurement Programme), Place vs England.",
              la_sources=(("trafford_themes_obese_reception",
                           "reception_prevalence_of_obesity_including_severe_obesity"),)),
    Indicator("obesity_year6", "Obesity at Year 6 (age 10-11)", "Grow well", "la",
              "trafford_themes_obese_year6", "LA", "%", "high_is_bad", "latest",
              "Published LA value (Fingertips, National Child Measurement Programme), Place vs England.",
              la_sources=(("trafford_themes_obese_year6",
                           "year_6_prevalence_of_obesity_including_severe_obesity"),)),
    # ------------------------------------------------------------------ live well
    Indicator("income", "People in income deprivation", "Live well", "imd_rate", "imd2019_lsoa",
              "LSOA", "%", "high_is_bad", "IoD2019", _IMD_RATE.format(what="Income domain", pop="total"),
              value_col="income_score", pop_col="pop_total", multiplier=100),
    Indicator("employment", "Working-age people in employment deprivation", "Live well", "imd_rate",
              "imd2019_lsoa", "LSOA", "%", "high_is_bad", "IoD2019",
              _IMD_RATE.format(what="Employment domain", pop="working-age (18-59/64)"),
              value_col="employment_score", pop_col="pop_working_age", multiplier=100),
    Indicator("adult_skills", "Adults with low or no qualifications or poor English", "Live well",
              "lsoa_mean", "imd2019_lsoa", "LSOA", "%", "high_is_bad", "IoD2019 (Census 2011)", _LSOA_MEAN,
              value_col="adult_skills_score", multiplier=100),
    Indicator("health_deprivation", "Health deprivation and disability score",
              "Live well", "lsoa_mean", "imd2019_lsoa", "LSOA", "score", "high_is_bad", "IoD2019",
              _LSOA_MEAN + " The score is standardised: 0 is the England LSOA average.",
              value_col="health_score", dp=2),
    Indicator("illness_disability_ratio", "Comparative illness and disability ratio", "Live well",
              "lsoa_mean", "imd2019_indicators_file8", "LSOA", "ratio, England about 100", "high_is_bad",
              "IoD2019", _LSOA_MEAN, value_col="comparative_illness_disability_ratio",
              dp=0),
    Indicator("smoking", "Adults who smoke", "Live well", "la", "trafford_themes_adults_smoking",
              "LA", "%", "high_is_bad", "latest",
              "Published LA value (Fingertips, Annual Population Survey), Place vs England.",
              la_sources=(("trafford_themes_adults_smoking",
                           "smoking_prevalence_in_adults_aged_18_and_over_current_smokers_aps"),
                          ("trafford_dashboard_smoking_adults",
                           "smoking_prevalence_in_adults_current_smokers_aps"))),
    Indicator("active_adults", "Physically active adults", "Live well", "la",
              "trafford_themes_active_adults", "LA", "%", "high_is_good", "latest",
              "Published LA value (Fingertips, Active Lives survey), Place vs England.",
              la_sources=(("trafford_themes_active_adults", "percentage_of_physically_active_adults"),)),
    # ------------------------------------------------------------------ age well
    Indicator("idaopi", "Older people in income deprivation", "Age well", "imd_rate",
              "imd2019_lsoa", "LSOA", "%", "high_is_bad", "IoD2019",
              _IMD_RATE.format(what="IDAOPI", pop="60+"), value_col="idaopi_score",
              pop_col="pop_60_plus", multiplier=100),
    Indicator("hle_male", "Healthy life expectancy at birth, males", "Age well", "msoa_le",
              "ons_hle_msoa_2009_13_llr", "MSOA", "years", "high_is_good", "2009-13",
              _HLE_METHOD,
              sex="Male", measure="hle"),
    Indicator("hle_female", "Healthy life expectancy at birth, females", "Age well", "msoa_le",
              "ons_hle_msoa_2009_13_llr", "MSOA", "years", "high_is_good", "2009-13",
              _HLE_METHOD, sex="Female", measure="hle"),
    Indicator("dfle_male", "Disability-free life expectancy at birth, males", "Age well", "msoa_le",
              "ons_dfle_msoa_2009_13_llr", "MSOA", "years", "high_is_good", "2009-13",
              _DFLE_METHOD, sex="Male", measure="dfle"),
    Indicator("dfle_female", "Disability-free life expectancy at birth, females", "Age well",
              "msoa_le", "ons_dfle_msoa_2009_13_llr", "MSOA", "years", "high_is_good", "2009-13",
              _DFLE_METHOD, sex="Female", measure="dfle"),
    Indicator("hle_la_male", "Healthy life expectancy at birth, males, recent (APS)", "Age well", "la",
              "trafford_themes_healthy_life_expectancy", "LA", "years", "high_is_good", "latest",
              "Published LA value (ONS, Annual Population Survey), Place vs England.",
              la_sources=(("trafford_themes_healthy_life_expectancy",
                           "healthy_life_expectancy_at_birth"),), la_sex="Male"),
    Indicator("hle_la_female", "Healthy life expectancy at birth, females, recent (APS)", "Age well", "la",
              "trafford_themes_healthy_life_expectancy", "LA", "years", "high_is_good", "latest",
              "Published LA value (ONS, Annual Population Survey), Place vs England.",
              la_sources=(("trafford_themes_healthy_life_expectancy",
                           "healthy_life_expectancy_at_birth"),), la_sex="Female"),
    # ------------------------------------------------------------------ die well
    Indicator("le_male", "Life expectancy at birth, males", "Die well", "msoa_le",
              "le_birth_msoa_2016_20_llr", "MSOA", "years", "high_is_good", "2016-20",
              _LE_METHOD,
              sex="Male", measure="le"),
    Indicator("le_female", "Life expectancy at birth, females", "Die well", "msoa_le",
              "le_birth_msoa_2016_20_llr", "MSOA", "years", "high_is_good", "2016-20",
              _LE_METHOD,
              sex="Female", measure="le"),
    Indicator("ypll", "Years of potential life lost (premature death)", "Die well", "lsoa_mean",
              "imd2019_indicators_file8", "LSOA", "standardised rate", "high_is_bad", "IoD2019",
              _LSOA_MEAN, value_col="years_potential_life_lost", dp=0),
    Indicator("covid_mortality", "Deaths involving COVID-19, Mar-Dec 2020", "Die well",
              "covid_rate", "covid_ons_msoa_deaths_2020", "MSOA", "per 100,000", "high_is_bad",
              "Mar-Dec 2020",
              "Deaths involving COVID-19 (ONS) summed over the MSOAs of the group / their ONS mid-2019 "
              "population x 100,000: a crude rate (not age-standardised), Byars 95% limits.",
              multiplier=100000, dp=0),
)

_BY_ID = {i.id: i for i in REGISTRY}
if len(_BY_ID) != len(REGISTRY):
    raise RuntimeError("duplicate indicator ids in REGISTRY")


def get_indicator(indicator_id: str) -> Indicator:
    """One indicator by id; the error lists the valid ids."""
    try:
        return _BY_ID[indicator_id]
    except KeyError:
        raise KeyError(f"Unknown indicator {indicator_id!r}. Known: {', '.join(_BY_ID)}") from None


def indicators(stage: str | None = None, kind: str | None = None) -> list[Indicator]:
    """The registry in life-course order, optionally filtered by stage and/or kind."""
    return [i for i in REGISTRY if (stage is None or i.stage == stage)
            and (kind is None or i.kind == kind)]
