"""Place registry: params/*.yaml -> validated :class:`Place`.

A Place is what one report is about: one English upper-tier local authority (county or
unitary), or a named group of them (the LLR overview). Everything that differs between
Places lives in its params file; the notebooks are the same for every Place.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from jsna import paths

ENGLAND_CODE = "E92000001"
ENGLAND_NAME = "England"
UTLA_CODE_RE = re.compile(r"^E(06|08|09|10|11)\d{6}$")
LTLA_CODE_RE = re.compile(r"^E(06|07|08|09)\d{6}$")
AREA_CODE_RE = re.compile(r"^[EWSNK]\d{8}$")
PLACE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

_ALLOWED_KINDS = ("upper_tier", "group")
#: ONS code vintages a params file may be written in: April 2019 (IoD2019, LSOA 2011) and April 2023
#: (IoD2025, Census 2021, LSOA 2021). Codes are current (April 2023) unless the file says otherwise.
GEOGRAPHY_VINTAGES = (2019, 2023)
DEFAULT_GEOGRAPHY = 2023
#: editions of the English Indices of Deprivation a Place may select for its deprivation report
DEPRIVATION_INDICES = ("iod2025", "iod2019")
DEFAULT_DEPRIVATION_INDEX = "iod2025"
#: labels a params file may set: how sentences name the Place
LABELS = ("possessive", "short_name")
_REQUIRED = ("id", "name", "kind", "upper_tier", "districts")


class PlaceError(ValueError):
    """A params file is missing, unreadable or invalid. The message names file and field."""


@dataclass(frozen=True)
class Area:
    """A coded area with a display name."""

    code: str
    name: str


@dataclass(frozen=True)
class Framework:
    """A local health-inequalities framework the reports serve (params ``framework:``; LLR's "Better health for
    all"). A Place without one gets neutral wording: no report names another council's framework."""

    name: str  # "Better health for all"
    description: str  # "the Leicester, Leicestershire and Rutland health inequalities framework"
    audience: str  # who agrees priorities under it, in a sentence
    dashboard_action: int | None = None  # the framework's action that asks for a benchmarked dashboard
    recording_action: int | None = None  # ... that asks for complete ethnicity recording
    audit_action: int | None = None  # ... that asks every service for a Health Equity Audit
    adopted: int | None = None  # the year it was adopted (the dashboard's agreed baseline is nearest it)
    #: the framework's own words for the life-expectancy gap between boys born in the most and least deprived
    #: areas ("nearly nine years") and the years they stand for, reconciled with OHID's SII in the reports
    le_gap_claim: str | None = None
    le_gap_claim_years: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in _FRAMEWORK_KEYS}


_FRAMEWORK_KEYS = {"name": str, "description": str, "audience": str, "dashboard_action": int,
                   "recording_action": int, "audit_action": int, "adopted": int, "le_gap_claim": str,
                   "le_gap_claim_years": float}


@dataclass(frozen=True)
class Place:
    """A validated Place as read from params/<id>.yaml."""

    id: str
    name: str
    kind: str  # "upper_tier" or "group"
    upper_tier: tuple[Area, ...]
    districts: tuple[Area, ...]
    parent: Area | None = None  # the region: the Place's benchmark after England
    labels: dict[str, str] = field(default_factory=dict)
    source_file: Path | None = None
    geography: int = DEFAULT_GEOGRAPHY  # the ONS vintage of the codes above (GEOGRAPHY_VINTAGES)
    deprivation_index: str = DEFAULT_DEPRIVATION_INDEX  # the deprivation report's edition
    #: the April 2019 (upper_tier, districts) the Place was formed from, when its codes changed after
    #: April 2019 (e.g. North Yorkshire, a unitary council since 2023); None: the same codes
    areas_2019: tuple[tuple[Area, ...], tuple[Area, ...]] | None = None
    framework: Framework | None = None  # the local framework the reports serve (None: neutral wording)
    #: how a reader asks for a report in another format (params ``contact:``; None: a neutral line)
    contact: str | None = None

    @property
    def upper_tier_codes(self) -> list[str]:
        """Upper-tier LA codes the Place covers (one, or several for a group)."""
        return [a.code for a in self.upper_tier]

    @property
    def district_codes(self) -> list[str]:
        """Lower-tier district codes (a unitary authority is its own district)."""
        return [a.code for a in self.districts]

    def upper_tier_in(self, vintage: int) -> tuple[Area, ...]:
        """The upper-tier areas in the codes of an ONS vintage (2019 or 2023)."""
        return self._in(vintage)[0]

    def districts_in(self, vintage: int) -> tuple[Area, ...]:
        """The districts in the codes of an ONS vintage (2019 or 2023): data published on April 2019
        areas (IoD2019, LSOA 2011 tables) use vintage 2019."""
        return self._in(vintage)[1]

    def _in(self, vintage: int) -> tuple[tuple[Area, ...], tuple[Area, ...]]:
        if vintage not in GEOGRAPHY_VINTAGES:
            raise ValueError(f"vintage {vintage!r}: valid vintages are {', '.join(map(str, GEOGRAPHY_VINTAGES))}")
        if vintage == 2019 and self.areas_2019 is not None:
            return self.areas_2019
        return self.upper_tier, self.districts

    @property
    def upper_tier_codes_2019(self) -> list[str]:
        """Upper-tier codes of April 2019 (IoD2019, 2011 small-area tables)."""
        return [a.code for a in self.upper_tier_in(2019)]

    @property
    def district_codes_2019(self) -> list[str]:
        """District codes of April 2019 (IoD2019, 2011 small-area tables)."""
        return [a.code for a in self.districts_in(2019)]

    @property
    def changed_since_2019(self) -> bool:
        """True when the Place's councils were formed after April 2019 from other areas."""
        return self.areas_2019 is not None

    def formed_from_sentence(self) -> str:
        """One plain-English sentence for reports using data on April 2019 areas ('' when unchanged)."""
        if self.areas_2019 is None:
            return ""
        upper, districts = self.areas_2019
        names = [a.name for a in districts]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        n = len(names)
        return (f"{self.name} took its present form after April 2019. Figures published for the earlier "
                f"councils are shown for the {n} former district{'s' if n != 1 else ''} it was formed "
                f"from ({listed}), which together cover the same area.")

    @property
    def is_group(self) -> bool:
        return self.kind == "group"

    @property
    def possessive(self) -> str:
        """Name in the possessive, for sentences ("Leicester's")."""
        return self.labels.get("possessive") or (
            self.name + ("'" if self.name.endswith("s") else "'s")
        )

    @property
    def short_name(self) -> str:
        return self.labels.get("short_name", self.name)


def _err(path: Path | str, field_name: str, problem: str, fix: str = "") -> PlaceError:
    msg = f"{path}: field '{field_name}': {problem}"
    if fix:
        msg += f". {fix}"
    return PlaceError(msg)


def _area(path: Path, field_name: str, value: Any, pattern: re.Pattern[str]) -> Area:
    if not isinstance(value, dict) or set(value) - {"code", "name"} or "code" not in value:
        raise _err(path, field_name, f"expected a mapping with 'code' and 'name', got {value!r}")
    code = value.get("code")
    name = value.get("name", code)
    if not isinstance(code, str) or not pattern.match(code):
        fix = f"Expected a code matching {pattern.pattern}"
        if pattern is UTLA_CODE_RE and isinstance(code, str) and LTLA_CODE_RE.match(code):
            fix = (f"{code} is a district (lower-tier) code, not an upper-tier one: put it under "
                   f"'districts' and use its county's code here (`python -m jsna params new {code}` "
                   "names the county)")
        raise _err(path, f"{field_name}.code", f"{code!r} is not a valid area code", fix)
    if not isinstance(name, str) or not name.strip():
        raise _err(path, f"{field_name}.name", f"{name!r} must be a non-empty string")
    return Area(code, name)


def place_from_dict(raw: Any, path: Path | str = "<params>") -> Place:
    """Validate a params mapping and build a :class:`Place`. Errors name the file and field."""
    path = Path(path)
    if not isinstance(raw, dict):
        raise _err(path, "<root>", f"expected a YAML mapping, got {type(raw).__name__}")
    known = set(_REQUIRED) | {"parent", "labels", "geography", "deprivation_index", "areas_2019", "framework", "contact"}
    if "comparator" in raw:
        raise _err(path, "comparator", "is no longer used", "Remove it: every report compares the Place "
                   "with England, and with its region ('parent')")
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _err(path, unknown[0], "unknown field", f"Valid fields: {', '.join(sorted(known))}")
    for key in _REQUIRED:
        if key not in raw:
            raise _err(path, key, "missing", f"Required fields: {', '.join(_REQUIRED)}")
    pid = raw["id"]
    if not isinstance(pid, str) or not PLACE_ID_RE.match(pid):
        raise _err(path, "id", f"{pid!r} must be lower-case letters, digits, '-' or '_'")
    if path.suffix in (".yaml", ".yml") and path.stem != pid:
        raise _err(path, "id", f"{pid!r} differs from the file name {path.stem!r}",
                   "Name the file <id>.yaml")
    name = raw["name"]
    if not isinstance(name, str) or not name.strip():
        raise _err(path, "name", f"{name!r} must be a non-empty string")
    kind = raw["kind"]
    if kind not in _ALLOWED_KINDS:
        raise _err(path, "kind", f"{kind!r} is not valid", f"Valid choices: {', '.join(_ALLOWED_KINDS)}")
    for key in ("upper_tier", "districts"):
        if not isinstance(raw[key], list) or not raw[key]:
            raise _err(path, key, "must be a non-empty list of {code, name} mappings")
    upper = tuple(_area(path, f"upper_tier[{i}]", v, UTLA_CODE_RE) for i, v in enumerate(raw["upper_tier"]))
    districts = tuple(_area(path, f"districts[{i}]", v, LTLA_CODE_RE) for i, v in enumerate(raw["districts"]))
    if kind == "upper_tier" and len(upper) != 1:
        raise _err(path, "upper_tier", f"kind 'upper_tier' needs exactly one area, got {len(upper)}",
                   "Use kind: group for several")
    for key, seq in (("upper_tier", upper), ("districts", districts)):
        codes = [a.code for a in seq]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise _err(path, key, f"duplicated code(s) {', '.join(dup)}")
    parent = _area(path, "parent", raw["parent"], AREA_CODE_RE) if raw.get("parent") else None
    labels = raw.get("labels") or {}
    if not isinstance(labels, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                               for k, v in labels.items()):
        raise _err(path, "labels", "must be a mapping of text label -> string")
    extra = sorted(set(labels) - set(LABELS))
    if extra:
        raise _err(path, f"labels.{extra[0]}", "unknown label", f"Valid labels: {', '.join(LABELS)}")
    geography = raw.get("geography", DEFAULT_GEOGRAPHY)
    if geography not in GEOGRAPHY_VINTAGES:
        raise _err(path, "geography", f"{geography!r} is not a valid vintage of ONS codes",
                   f"Valid vintages: {', '.join(map(str, GEOGRAPHY_VINTAGES))} (April 2023 codes are current)")
    index = raw.get("deprivation_index", DEFAULT_DEPRIVATION_INDEX)
    if index not in DEPRIVATION_INDICES:
        raise _err(path, "deprivation_index", f"{index!r} is not valid",
                   f"Valid choices: {', '.join(DEPRIVATION_INDICES)}")
    areas_2019 = None
    if raw.get("areas_2019") is not None:
        block = raw["areas_2019"]
        if geography != 2023:
            raise _err(path, "areas_2019", "is only used with geography: 2023",
                       "It lists the April 2019 areas a council of April 2023 was formed from")
        if (not isinstance(block, dict) or set(block) != {"upper_tier", "districts"}
                or not isinstance(block["upper_tier"], list) or not isinstance(block["districts"], list)
                or not block["districts"]):
            raise _err(path, "areas_2019", "must be a mapping with lists 'upper_tier' (the April 2019 upper "
                       "tiers wholly inside the Place, possibly none) and 'districts' (not empty)",
                       "`python -m jsna params new <code>` writes it")
        areas_2019 = (
            tuple(_area(path, f"areas_2019.upper_tier[{i}]", v, UTLA_CODE_RE)
                  for i, v in enumerate(block["upper_tier"])),
            tuple(_area(path, f"areas_2019.districts[{i}]", v, LTLA_CODE_RE)
                  for i, v in enumerate(block["districts"])),
        )
    contact = raw.get("contact")
    if contact is not None and (not isinstance(contact, str) or not contact.strip()):
        raise _err(path, "contact", f"{contact!r} must be a non-empty sentence",
                   "e.g. 'Email publichealth@example.gov.uk to ask for another format.', or leave it out")
    return Place(id=pid, name=name.strip(), kind=kind, upper_tier=upper, districts=districts,
                 parent=parent, labels=dict(labels), source_file=path, geography=geography,
                 deprivation_index=index, areas_2019=areas_2019, framework=_framework(path, raw.get("framework")),
                 contact=" ".join(contact.split()) if contact else None)


def _framework(path: Path, block: Any) -> Framework | None:
    """The ``framework:`` block of a params file (see :class:`Framework`), or None."""
    if block is None:
        return None
    if not isinstance(block, dict):
        raise _err(path, "framework", "must be a mapping", f"Keys: {', '.join(_FRAMEWORK_KEYS)}")
    unknown = sorted(set(block) - set(_FRAMEWORK_KEYS))
    if unknown:
        raise _err(path, f"framework.{unknown[0]}", "unknown key", f"Valid keys: {', '.join(_FRAMEWORK_KEYS)}")
    for key in ("name", "description", "audience"):
        if not isinstance(block.get(key), str) or not block[key].strip():
            raise _err(path, f"framework.{key}", "must be a non-empty string")
    for key in ("dashboard_action", "recording_action", "audit_action", "adopted"):
        if block.get(key) is not None and (isinstance(block[key], bool) or not isinstance(block[key], int)):
            raise _err(path, f"framework.{key}", f"{block[key]!r} must be a whole number")
    claim, years = block.get("le_gap_claim"), block.get("le_gap_claim_years")
    if (claim is None) != (years is None) or (claim is not None and not (
            isinstance(claim, str) and claim.strip() and isinstance(years, int | float)
            and not isinstance(years, bool) and 0 < years < 30)):
        raise _err(path, "framework.le_gap_claim", "needs both le_gap_claim (the framework's words) and "
                   "le_gap_claim_years (a number of years between 0 and 30)")
    return Framework(**{k: (v.strip() if isinstance(v, str) else v) for k, v in block.items()})


def check_place_id(place_id: object, params_dir: Path | None = None) -> str:
    """Return place_id if it matches PLACE_ID_RE, else raise PlaceError (before any file is opened).

    A Place id names params/<id>.yaml, so '../x', 'a/b', '/etc/passwd' or '' must never reach
    the filesystem."""
    if isinstance(place_id, str) and PLACE_ID_RE.match(place_id):
        return place_id
    choices = ", ".join(available_places(params_dir)) or "(none)"
    raise PlaceError(
        f"Invalid Place id {place_id!r}: a Place id is lower-case letters, digits, '-' or '_' "
        f"(pattern {PLACE_ID_RE.pattern}), never a path. Valid Places: {choices}"
    )


def available_places(params_dir: Path | None = None) -> list[str]:
    """Ids of every Place with a params file, sorted."""
    d = Path(params_dir or paths.PARAMS_DIR)
    return sorted(p.stem for p in d.glob("*.yaml"))


def load_place(place_id: str, params_dir: Path | None = None) -> Place:
    """Read and validate params/<place_id>.yaml.

    Raises PlaceError naming the file and field, and listing the valid Places when the id is unknown
    or is not a Place id (see :func:`check_place_id`).
    """
    check_place_id(place_id, params_dir)
    d = Path(params_dir or paths.PARAMS_DIR)
    path = d / f"{place_id}.yaml"
    if not path.exists():
        choices = ", ".join(available_places(d)) or "(none)"
        raise PlaceError(
            f"Unknown Place {place_id!r}: no file {path}. Valid Places: {choices}. "
            "To add one, run: python -m jsna params new <upper-tier LA code>"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PlaceError(f"{path}: not valid YAML: {exc}") from exc
    return place_from_dict(raw, path)


def place_name(place_id: str, params_dir: Path | None = None) -> str:
    """The name of a Place, read once per version of its params file (a report links to every
    other Place's report, and a build of all 153 councils would otherwise re-read them all for each)."""
    return _place_facts_now(place_id, params_dir)[0]


def place_kind(place_id: str, params_dir: Path | None = None) -> str:
    """The kind of a Place ("upper_tier" or "group"), read once per version of its params file."""
    return _place_facts_now(place_id, params_dir)[1]


def _place_facts_now(place_id: str, params_dir: Path | None) -> tuple[str, str]:
    """(name, kind) of a Place, cached by the state of its params file (mtime, size, inode)."""
    d = Path(params_dir or paths.PARAMS_DIR)
    path = d / f"{place_id}.yaml"
    st = path.stat() if path.exists() else None
    return _place_facts(place_id, str(d), (st.st_mtime_ns, st.st_size, st.st_ino) if st else None)


@functools.lru_cache(maxsize=4096)
def _place_facts(place_id: str, params_dir: str, _file_state: tuple | None) -> tuple[str, str]:
    place = load_place(place_id, Path(params_dir))
    return place.name, place.kind


def load_places(place_ids: list[str] | None = None, params_dir: Path | None = None) -> list[Place]:
    """Load several Places (all of them when place_ids is None)."""
    ids = place_ids or available_places(params_dir)
    return [load_place(p, params_dir) for p in ids]


def other_format_line(place: Place | None) -> str:
    """How to ask for a report in another format: the Place's params ``contact:``, else a neutral line."""
    if place is not None and place.contact:
        return place.contact
    return ("To ask for a report or its data in another format (for example large print, easy read, audio or "
            "a different spreadsheet format), contact the public health team of the council the report covers.")
