"""``make validate PLACE=… TOPIC=…``: re-run a published report's executed notebook under nbval.

First the inputs: each input's sha256 recorded in the notebook's ``metadata.jsna.provenance`` is
compared with the file in the data directory the notebook read (its ``data_dir`` parameter, else
data/raw, or ``--data-dir``). A difference names the input and stops: nbval would compare the
outputs against different data. Then ``pytest --nbval`` re-executes every cell of
reports/<place>/<topic>.ipynb and compares every output, with the sanitisers of
tests/nbval_sanitize.cfg.

Exit status: 0 valid, 1 an input differs or an output differs, 2 the notebook or its provenance
is missing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jsna import paths
from jsna.runner.provenance import HashCache, code_version, short

SANITIZE = "tests/nbval_sanitize.cfg"


class ValidateError(RuntimeError):
    """The report cannot be validated (the message names the file and the fix)."""


def provenance_of(nb_path: Path) -> dict[str, Any]:
    """The ``metadata.jsna.provenance`` of an executed notebook (ValidateError when absent)."""
    if not nb_path.is_file():
        raise ValidateError(f"{nb_path}: no executed notebook. Build it first: "
                            f"make reports PLACES={nb_path.parent.name} TOPICS={nb_path.stem}")
    try:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidateError(f"{nb_path}: not a readable notebook ({exc}). Rebuild it with --force.") from exc
    prov = nb.get("metadata", {}).get("jsna", {}).get("provenance")
    if not isinstance(prov, dict) or not isinstance(prov.get("inputs"), list):
        raise ValidateError(f"{nb_path}: metadata.jsna.provenance is missing (built before provenance was "
                            "recorded). Rebuild it: python -m jsna build --force --place "
                            f"{nb_path.parent.name} --topic {nb_path.stem}")
    return prov


def changed_inputs(prov: dict[str, Any], data_dir: Path) -> list[str]:
    """One sentence per input whose file differs from the one the report was built from."""
    hashes = HashCache()
    out = []
    for rec in prov["inputs"]:
        if not rec.get("path"):
            continue
        f = Path(data_dir) / rec["path"]
        now = hashes.sha256(f)
        if now != rec.get("sha256"):
            state = "is missing" if now == "missing" else f"has sha256 {short(now)}"
            out.append(f"input {rec['id']} ({f}) {state}; the report was built from sha256 "
                       f"{short(rec.get('sha256'))}")
    return out


def validate(place: str, topic: str, reports_dir: Path | None = None, data_dir: Path | None = None,
             run_nbval: bool = True) -> tuple[int, str]:
    """Check the inputs, then re-run the notebook under nbval; (exit status, message)."""
    nb_path = Path(reports_dir or paths.REPORTS_DIR) / place / f"{topic}.ipynb"
    try:
        prov = provenance_of(nb_path)
    except ValidateError as exc:
        return 2, f"error: {exc}"
    recorded = str(prov.get("data_dir") or "")
    if not data_dir and recorded.startswith("<") and recorded != "<data_dir>":
        return 2, (f"error: {nb_path} was built from a data directory outside the repository ({recorded}; "
                   "published notebooks hold no absolute path). Give it: --data-dir DIR")
    if recorded.startswith("<"):  # "<data_dir>": the default data directory
        recorded = ""
    data = Path(data_dir or (paths.ROOT / recorded if recorded else paths.raw_dir()))
    diffs = changed_inputs(prov, data)
    if diffs:
        return 1, (f"{nb_path}: the data in {data} is not what this report was built from:\n  "
                   + "\n  ".join(diffs)
                   + "\nFetch the inputs it was built from (make data with the matching catalogue), or rebuild "
                     "and publish the report again (make reports), then validate.")
    lines = [f"{nb_path}: all {len(prov['inputs'])} input(s) match the report's provenance."]
    now = code_version()
    if prov.get("code_version") and prov["code_version"] != now:
        lines.append(f"note: built with code {prov['code_version']}, validating with {now}.")
    if not run_nbval:
        return 0, "\n".join(lines)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="jsna-validate-") as tmp:
        # the published notebook names its data directory by a placeholder: put the real one back
        copy = Path(tmp) / nb_path.name
        copy.write_text(nb_path.read_text(encoding="utf-8").replace("<data_dir>", str(data.resolve())),
                        encoding="utf-8")
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--noconftest", "-o", "addopts=",
               "--nbval", "--nbval-sanitize-with", str(paths.ROOT / SANITIZE), str(copy)]
        lines.append("running: " + " ".join(cmd))
        proc = subprocess.run(cmd, cwd=paths.ROOT, capture_output=True, text=True)
    tail = (proc.stdout + proc.stderr).strip()
    lines.append(tail[-6000:])
    if proc.returncode == 0:
        lines.append(f"VALID: every output of {nb_path} was reproduced.")
        return 0, "\n".join(lines)
    lines.append(f"NOT VALID: nbval found outputs of {nb_path} that differ (above).")
    return 1, "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m jsna.runner.validate --place P --topic T``."""
    ap = argparse.ArgumentParser(prog="python -m jsna.runner.validate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--place", required=True)
    ap.add_argument("--topic", required=True)
    ap.add_argument("--reports-dir", type=Path, default=None)
    ap.add_argument("--data-dir", type=Path, default=None,
                    help="where the inputs are (default: the notebook's data_dir parameter, else data/raw)")
    args = ap.parse_args(argv)
    rc, text = validate(args.place, args.topic, args.reports_dir, args.data_dir)
    print(text, file=sys.stderr if rc else sys.stdout)
    return rc


if __name__ == "__main__":
    sys.exit(main())
