"""Where the Core20 population lives: a static map of a Place's LSOAs in England's most deprived
20% (IMD 2019 deciles 1-2), with district outlines, plus its alt text and text description."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import pandas as pd  # noqa: E402

from jsna.palette import DECILE_COLOURS  # noqa: E402
from jsna.report import Chart, attach_data  # noqa: E402
from jsna.words import small_area_words

#: the source line under the Core20 map
CAPTION = ("Source: MHCLG English Indices of Deprivation 2019 (LSOA 2011, File 6 populations mid-2015); "
               "ONS LSOA 2011 boundaries (districts drawn from them). Contains OS data © Crown copyright and database right.")
CORE20_LABEL = "Most deprived 20% in England (IMD 2019 deciles 1-2)"
OTHER_LABEL = "Other neighbourhoods (deciles 3-10)"


def core20_map(lsoas: pd.DataFrame, place, boundaries, tolerance_m: float = 20.0) -> Chart:
    """Static choropleth of Core20 LSOAs (from jsna.areas.lsoas) with district outlines; ``boundaries``:
    the LSOAs' boundaries (jsna.load.boundaries.lsoa_boundaries)."""
    from jsna.maps import CategoryScheme, Outline, static_map

    gdf = boundaries.copy()
    if len(gdf) != len(lsoas):
        raise ValueError(f"core20_map: {len(lsoas) - len(gdf)} LSOAs of {place.name} have no boundary")
    gdf = gdf.merge(lsoas[["lsoa11cd", "core20", "lad19nm", "pop_total"]], on="lsoa11cd", how="left")
    gdf["core20_band"] = gdf["core20"].map({True: "core20", False: "other"})
    gdf = gdf.to_crs(27700)
    lads = gdf[["lad19nm", "geometry"]].dissolve("lad19nm").reset_index()  # outlines match the LSOAs
    lads["geometry"] = lads.geometry.buffer(1).buffer(-1)  # close sub-metre slivers between LSOAs
    if tolerance_m:
        gdf["geometry"] = gdf.geometry.simplify(tolerance_m, preserve_topology=True)
        lads["geometry"] = lads.geometry.simplify(tolerance_m, preserve_topology=True)
    scheme = CategoryScheme(categories=("core20", "other"), colours=(DECILE_COLOURS[0], DECILE_COLOURS[-1]),
                            labels=(CORE20_LABEL, OTHER_LABEL), title="Neighbourhood (LSOA)")
    n_core = int(lsoas["core20"].sum())
    title = (f"{n_core} of {len(lsoas)} neighbourhoods in {place.name} are in England's most deprived 20%"
             if n_core else f"No neighbourhood in {place.name} is in England's most deprived 20%")
    fig = static_map(gdf, "core20_band", scheme, outlines=[Outline(lads, "Districts")], title=title,
                     figsize=(8, 7))
    by_lad = (lsoas.groupby("lad19nm", sort=True)
              .agg(n=("core20", "size"), core=("core20", "sum"),
                   pop_core=("pop_total", lambda s: s[lsoas.loc[s.index, "core20"]].sum())))
    desc = [f"Map of the {len(lsoas)} LSOAs (neighbourhoods of {small_area_words('LSOA')}) in {place.name}, "
            f"shaded dark where the LSOA is among England's most deprived 20% (IMD 2019) and light "
            "otherwise, with district boundaries drawn on top."]
    lines = [f"{name}: {int(r['core'])} of {int(r['n'])} LSOAs ({int(r['pop_core']):,} people)"
             for name, r in by_lad.iterrows()]
    desc.append("By district: " + "; ".join(lines) + ".")
    # the data behind the description: each LSOA's population, and its district's Core20 totals
    data, meta = getattr(fig, "jsna_data", (None, {}))
    if data is not None and "lsoa11cd" in data.columns:
        pops = lsoas.set_index("lsoa11cd")["pop_total"]
        data = data.assign(**{"population (mid-2015)": data["lsoa11cd"].map(pops).to_numpy()})
        for col, key in (("district LSOAs in the most deprived 20%", "core"),
                         ("district population in the most deprived 20%", "pop_core")):
            data[col] = data["lad19nm"].map(by_lad[key]).astype(int).to_numpy()
        attach_data(fig, data, meta)
    alt = title + (". Dark areas are the Core20 neighbourhoods; a district list is in the text description."
                   if n_core else ". All neighbourhoods are shaded light (deciles 3-10).")
    return Chart(fig, alt, desc)
