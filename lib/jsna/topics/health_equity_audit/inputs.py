"""Everything the audit reads, for one Place: the only module of the topic that calls loaders.

The service's own file (``input_csv``, or the synthetic example) is not a catalogued source: it is
read and validated by :func:`jsna.topics.health_equity_audit.service_file.check_hea` against the ONS
England lookup, and kept to the Place's residents. A file that fails is never an exception here:
``ok`` is False and ``errors`` lists each problem, so the report shows them (the notebook raises
:class:`~jsna.topics.health_equity_audit.service_file.HEAValidationError` when asked to). The
reference data are read only as far as the file allows: IMD 2019 when it has residence areas, the
Census 2021 residents when it records ethnicity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jsna.places import Place
from jsna.topics.health_equity_audit.audit_spec import (
    AuditSpec,
    AuditSpecError,
    one_off,
    read_audit_spec,
)
from jsna.topics.health_equity_audit.service_file import (
    HEAData,
    check_hea,
    error_frame,
    filter_to_place,
)


@dataclass
class Inputs:
    """The audit's inputs for one Place (every catalogued read recorded by jsna.reads)."""

    ok: bool  # the file passed validation and has eligible residents of the Place
    source: str  # the service file's resolved path
    synthetic: bool  # the audit is a synthetic example (its spec says so)
    errors: pd.DataFrame  # every problem found (service_file.ERROR_COLUMNS); empty when ok
    #: the service, what eligible and served mean, the period (its spec; None: a one-off of ``source``)
    audit: AuditSpec | None = None
    #: the validated rows of the Place's residents (every row for a file without residence areas)
    hea: HEAData | None = None
    dropped: dict[str, int] = field(default_factory=dict)  # rows, eligible, served left out
    #: the Place's residence areas (LSOA or MSOA codes, as the file gives), None for a practice-only file
    area_codes: set[str] | None = None
    #: ONS LSOA 2011 lookup of England (jsna.load.geography.lsoa_lookup): LSOA -> MSOA for MSOA deprivation
    lookup: pd.DataFrame | None = field(default=None, repr=False)
    #: England's LSOAs with IMD 2019 score, decile and population (jsna.load.imd.imd2019_lsoa)
    imd: pd.DataFrame | None = field(default=None, repr=False)
    #: the Place's LSOAs 2021 (made from its LSOAs 2011) and Census 2021 residents by ethnic group
    lsoa21cds: list[str] | None = None
    residents_2021: pd.DataFrame | None = field(default=None, repr=False)
    #: the slope index of inequality's Monte Carlo seed and repetitions (notebook parameters)
    seed: int | None = 2019
    sii_repetitions: int = 10000


def service_file_path(input_csv: str | Path | None) -> Path:
    """The service file to read: the synthetic example when ``input_csv`` is None; a relative path
    that does not exist from the working directory is taken from the repository root."""
    from jsna import paths
    from jsna.topics.health_equity_audit.applies import SYNTHETIC_EXAMPLE

    path = SYNTHETIC_EXAMPLE if input_csv is None else Path(input_csv)
    if not path.is_absolute() and not path.exists() and (paths.ROOT / path).exists():
        path = paths.ROOT / path  # relative to the repository, whatever the kernel's cwd
    return path


def audit_of(input_csv: str | Path | None = None, audit: str | Path | None = None) -> AuditSpec:
    """The audit run: its spec (``audit``), a one-off of ``input_csv``, or (neither given) the
    synthetic example's spec (``audits/synthetic-cgm-type-1-diabetes.yaml``)."""
    from jsna import paths
    from jsna.topics.health_equity_audit.audit_spec import AUDITS_DIR, SYNTHETIC_AUDIT_NAME

    if audit is not None:
        return read_audit_spec(service_file_path(audit))
    if input_csv is not None:
        return one_off(service_file_path(input_csv))
    return read_audit_spec(paths.ROOT / AUDITS_DIR / f"{SYNTHETIC_AUDIT_NAME}.yaml")


def place_lsoa11cds(place: Any, data_dir: Path | None = None) -> set[str]:
    """The Place's LSOAs 2011 in the ONS lookup (its 2019 districts)."""
    from jsna.load.geography import lsoa_lookup

    lookup = lsoa_lookup(data_dir)
    return set(lookup.loc[lookup["lad19cd"].isin(place.district_codes_2019), "lsoa11cd"])


def place_lsoa21cds(place: Place | str, data_dir: Path | None = None) -> list[str]:
    """The Place's LSOAs 2021: those made from its LSOAs 2011 (jsna.areas.lsoas and the ONS LSOA
    2011 -> 2021 lookup), as in the Core20PLUS5 view of the equity dashboard."""
    from jsna import areas
    from jsna.load.geography import lsoa11_lsoa21_lookup

    lsoas11 = areas.lsoas(place, data_dir)
    bridge = lsoa11_lsoa21_lookup(data_dir)
    return bridge.loc[bridge["lsoa11cd"].isin(lsoas11["lsoa11cd"]), "lsoa21cd"].tolist()


def load(place: Place, data_dir: Path | None = None, input_csv: str | Path | None = None,
         audit: str | Path | None = None, seed: int | None = 2019, sii_repetitions: int = 10000) -> Inputs:
    """Read and validate the audit's service file (its spec ``audit``'s input and layout; else
    ``input_csv`` on its own; neither: the synthetic example's spec) against the England lookup,
    keep the Place's rows, and read the reference data they need. Never raises for a bad file:
    ``ok`` is False and ``errors`` lists each problem (the notebook then fails the run with
    :class:`~jsna.topics.health_equity_audit.service_file.HEAValidationError`)."""
    from jsna.load.census import usual_residents_lsoa
    from jsna.load.geography import lsoa11_lsoa21_lookup, lsoa_lookup
    from jsna.load.imd import imd2019_lsoa

    try:
        spec = audit_of(input_csv, audit)
    except AuditSpecError as exc:
        spec = one_off(service_file_path(input_csv or audit))
        return Inputs(ok=False, source=str(audit), synthetic=False, audit=spec,
                      errors=error_frame([(None, "", "", str(exc))]))
    path = spec.input if audit is not None or input_csv is None else service_file_path(input_csv)
    lookup = lsoa_lookup(data_dir)
    data, errors = check_hea(path, lsoa_codes=set(lookup["lsoa11cd"]), msoa_codes=set(lookup["msoa11cd"]),
                             columns=spec.columns or None, lsoa21_lookup=lambda: lsoa11_lsoa21_lookup(data_dir))
    out = Inputs(ok=data is not None, source=str(path), synthetic=spec.synthetic, audit=spec, errors=errors,
                 lookup=lookup, seed=seed, sii_repetitions=sii_repetitions)
    if data is None:
        return out
    in_place = lookup[lookup["lad19cd"].isin(place.district_codes_2019)]
    codes = None
    if data.geography == "lsoa":
        codes = set(in_place["lsoa11cd"])
    elif data.geography == "msoa":
        codes = set(in_place["msoa11cd"])
    kept, dropped = filter_to_place(data, codes)
    out.hea, out.dropped, out.area_codes = kept, dropped, codes
    if kept.data.empty:
        out.ok = False
        out.errors = error_frame([(None, kept.area_column or "", "", (
            f"no rows for residents of {place.name}: every area code in the file is outside it"))])
        return out
    if int(kept.data["eligible"].sum()) == 0:
        out.ok = False
        out.errors = error_frame([(None, "eligible", "", (
            f"nobody is eligible in {place.name}: every row for its residents has eligible = 0, so "
            "uptake cannot be measured"))])
        return out
    if codes is not None:
        out.imd = imd2019_lsoa(data_dir)
    if kept.has_ethnicity:
        out.lsoa21cds = place_lsoa21cds(place, data_dir)
        out.residents_2021 = usual_residents_lsoa(data_dir)
    return out
