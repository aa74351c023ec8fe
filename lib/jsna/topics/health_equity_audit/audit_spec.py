"""An audit specification: one service's Health Equity Audit, named and remembered (``audits/<name>.yaml``).

A spec file names the service, says what "eligible" and "served" mean, the period, the Place or
Places the audit is published for, the service's input file and the columns that file must have.
Every spec under ``<root>/audits/`` is a report of its own (:func:`audit_variants`, the topic's
``variants`` hook): ``<place>/health_equity_audit-<name>.html``, rebuilt when the spec or its input
file changes, until the spec is removed. Example (the shipped one is
``audits/synthetic-cgm-type-1-diabetes.yaml``)::

    service: NHS Health Checks
    eligible: people aged 40 to 74 invited for an NHS Health Check
    served: people who had an NHS Health Check
    period: 1 April 2024 to 31 March 2025
    places: [leicester]
    input: ../data/service/nhs_health_checks_2024-25.csv   # relative to this file
    columns: [practice_code, practice_name, lsoa11cd, eligible, served]
    synthetic: false

``columns`` lists the schema's column names (:mod:`...service_file`) the file must have, in any
order; a mapping ``{schema name: the file's name}`` reads a file whose headers differ (e.g.
``served: attended``). A synthetic audit (``synthetic: true``) says so in its file name and title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: the folder under the variants root that holds the audits' spec files
AUDITS_DIR = "audits"
#: the spec of the synthetic example (the audit a notebook run without any file reads)
SYNTHETIC_AUDIT_NAME = "synthetic-cgm-type-1-diabetes"
_FIELDS = ("service", "eligible", "served", "period", "places", "input", "columns", "synthetic")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


class AuditSpecError(ValueError):
    """An audit spec file is invalid; the message names the file, the field and the fix."""


@dataclass(frozen=True)
class AuditSpec:
    """One service's audit, as its spec file declares it."""

    name: str  # the spec file's name without .yaml: part of the report's file name
    service: str  # e.g. "NHS Health Checks": the title, every sentence and every CSV use it
    eligible: str  # who counts as eligible, e.g. "people aged 40 to 74 invited for a Health Check"
    served: str  # who counts as served, e.g. "people who had a Health Check"
    period: str  # the period the counts cover, as text
    places: tuple[str, ...]  # Place ids the audit is published for
    input: Path  # the service's CSV file (resolved)
    columns: dict[str, str]  # schema column -> the file's column name
    synthetic: bool = False
    path: Path | None = None  # the spec file

    @property
    def title(self) -> str:
        """The report's title: 'Health Equity Audit: NHS Health Checks' (synthetic: says so)."""
        tag = " (synthetic example)" if self.synthetic else ""
        if not self.name:  # a one-off file: no service named
            return f"Health Equity Audit{tag}"
        return f"Health Equity Audit{tag}: {self.service[:1].upper()}{self.service[1:]}"

    def as_meta(self) -> dict[str, str]:
        """The constant columns of every CSV of the report: service, eligible, served, period."""
        return {"service": self.service, "eligible_means": self.eligible, "served_means": self.served,
                "period": self.period}


def one_off(input_csv: Path) -> AuditSpec:
    """The audit of a file passed on its own (``--hea-input`` without a spec): no name, service or period
    given, so the service is 'the service' and its layout any the schema allows."""
    return AuditSpec(name="", service="the service", eligible="people eligible, as counted in the file",
                     served="people served, as counted in the file", period="not stated", places=(),
                     input=Path(input_csv), columns={}, synthetic="synthetic" in Path(input_csv).name.lower())


def _text(data: dict, key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise AuditSpecError(f"{where}: '{key}' must be a non-empty text (e.g. {key}: {_EXAMPLES[key]})")
    return " ".join(value.split())


_EXAMPLES = {"service": "NHS Health Checks", "eligible": "people aged 40 to 74 invited for a Health Check",
             "served": "people who had a Health Check", "period": "1 April 2024 to 31 March 2025"}


def read_audit_spec(path: str | Path) -> AuditSpec:
    """The audit spec in ``path``; :class:`AuditSpecError` naming the file, the field and the fix."""
    import yaml

    from jsna.topics.health_equity_audit.service_file import ALL_COLUMNS

    path = Path(path)
    where = f"{AUDITS_DIR}/{path.name}"
    name = path.stem
    if not _NAME_RE.match(name):
        raise AuditSpecError(f"{where}: the file name must be lower-case letters, digits and '-' "
                             "(it names the report), e.g. nhs-health-checks.yaml")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AuditSpecError(f"{where}: cannot be read as YAML ({type(exc).__name__}: "
                             f"{str(exc).splitlines()[0] if str(exc) else ''})") from exc
    if not isinstance(data, dict):
        raise AuditSpecError(f"{where}: must be a mapping of {', '.join(_FIELDS)}")
    unknown = sorted(str(k) for k in data if k not in _FIELDS)
    if unknown:
        raise AuditSpecError(f"{where}: unknown field(s) {', '.join(unknown)}; the fields are {', '.join(_FIELDS)}")
    texts = {k: _text(data, k, where) for k in ("service", "eligible", "served", "period")}
    places = data.get("places")
    if isinstance(places, str):
        places = [places]
    if (not isinstance(places, list) or not places
            or not all(isinstance(p, str) and re.fullmatch(r"[A-Za-z0-9_-]+", p) for p in places)):
        raise AuditSpecError(f"{where}: 'places' must list the Place ids the audit is for (e.g. places: [leicester])")
    synthetic = data.get("synthetic", False)
    if not isinstance(synthetic, bool):
        raise AuditSpecError(f"{where}: 'synthetic' must be true or false")
    if synthetic != ("synthetic" in name):
        raise AuditSpecError(f"{where}: " + ("a synthetic audit's file name must say 'synthetic'" if synthetic
                                             else "a file named 'synthetic' must say synthetic: true"))
    if not isinstance(data.get("input"), str) or not data["input"].strip():
        raise AuditSpecError(f"{where}: 'input' must give the service's CSV file, relative to the spec's folder "
                             "(e.g. input: ../data/service/health_checks.csv)")
    given = Path(data["input"].strip()).expanduser()
    source = given if given.is_absolute() else (path.parent / given)
    source = source.resolve()
    if ("synthetic" in source.name.lower()) != synthetic:
        raise AuditSpecError(f"{where}: the input file {given.name} " + (
            "does not say 'synthetic' in its name" if synthetic else "is named synthetic: say synthetic: true"))
    columns = data.get("columns")
    if isinstance(columns, list):
        columns = {c: c for c in columns}
    if not isinstance(columns, dict) or not columns or not all(
            isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in columns.items()):
        raise AuditSpecError(f"{where}: 'columns' must list the columns the file has (e.g. columns: [practice_code, "
                             "lsoa11cd, eligible, served]) or map each to the file's name (e.g. served: attended)")
    bad = [c for c in columns if c not in ALL_COLUMNS]
    if bad:
        raise AuditSpecError(f"{where}: 'columns' has {', '.join(bad)}, not a column of the audit "
                             f"(the columns are {', '.join(ALL_COLUMNS)}; map a different header as "
                             "schema_name: file_name)")
    return AuditSpec(name=name, places=tuple(places), input=source, synthetic=synthetic, path=path.resolve(),
                     columns={k: v.strip().lower() for k, v in columns.items()}, **texts)


def spec_files(root: Path) -> list[Path]:
    """The audit spec files under ``root`` (``<root>/audits/*.yaml``), by name."""
    return sorted((Path(root) / AUDITS_DIR).glob("*.yaml"))


def audit_variants(root: Path) -> list[Any]:
    """The topic's ``variants`` hook (:class:`jsna.topics.Variant`): one report per audit spec under
    ``root``, with the spec and its input file as parameters (so either changing rebuilds it). An
    invalid spec is a variant that cannot be built (its runs fail with the reason)."""
    from jsna.topics import Variant

    out = []
    for path in spec_files(root):
        try:
            spec = read_audit_spec(path)
        except AuditSpecError as exc:
            out.append(Variant(name=path.stem.lower() if _NAME_RE.match(path.stem.lower()) else "invalid-name",
                               title=f"Health Equity Audit: {path.stem}", problem=str(exc)))
            continue
        out.append(Variant(name=spec.name, title=spec.title, places=spec.places,
                           params={"audit": str(spec.path), "input_csv": str(spec.input)},
                           description=f"Who {spec.service} reaches: uptake by deprivation, ethnic group and GP "
                                       f"practice, {spec.period}"))
    return out
