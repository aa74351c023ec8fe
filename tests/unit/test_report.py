"""Display helpers: escaping of data-derived strings, accessible figures and tables, the summary
box and the "About the data" section built from the catalogue."""

from __future__ import annotations

import re

import matplotlib
import pandas as pd
import pytest
import yaml
from jsna import report
from jsna.catalogue import CatalogueError

matplotlib.use("Agg")

EVIL = "<script>alert(1)</script>"

SOURCE = {
    "id": "toy_source",
    "title": "Toy <b>indicator</b> table",
    "publisher": "Office for Health Improvement & Disparities",
    "licence": "Open Government Licence v3.0",
    "attribution": "Contains OHID data © Crown copyright 2024",
    "url": "https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_id=90366",
    "path": "toy/toy.csv",
    "sha256": "0" * 64,
    "format": "csv",
    "period": "2020 to 2022",
    "notes": "Built by joining File_7.csv; fails the checksum: use the mirror.",
    "caveats": "Values for\n  small areas are suppressed.",
}


@pytest.fixture
def catalogue_dir(tmp_path):
    d = tmp_path / "catalogue"
    d.mkdir()
    second = {**SOURCE, "id": "toy_two", "title": "Second table", "notes": "", "caveats": "", "attribution": ""}
    (d / "toy.yaml").write_text(yaml.safe_dump([SOURCE, second]), encoding="utf-8")
    return d


def test_esc_escapes_markup_and_quotes():
    assert report.esc(EVIL) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert report.esc('a "b" & c') == "a &quot;b&quot; &amp; c"
    assert report.esc(None) == ""


def test_table_escapes_cells_caption_and_headers_and_marks_na():
    df = pd.DataFrame({EVIL: ["Braunstone <Park>", None], "rate": [1.5, float("nan")]})
    out = report.table_html(df, caption=f"Areas {EVIL}")
    assert "<script>" not in out
    assert "Braunstone &lt;Park&gt;" in out
    assert "<caption>Areas &lt;script&gt;" in out
    # missing values are a dash that screen readers read as "not available", never blank or zero,
    # with one footnote under the table saying what the dash means
    assert out.count('<abbr title="not available">\u2013</abbr>') == 2
    assert out.count('<p class="jsna-table-note">\u2013 means not available') == 1
    assert '<th scope="col">' in out and 'class="jsna-table sortable"' in out


def test_a_table_without_missing_values_has_no_dash_footnote():
    out = report.table_html(pd.DataFrame({"Area": ["A"], "Rate": [1.5]}), caption="t")
    assert "jsna-table-note" not in out and "\u2013" not in out


def test_synthetic_downloads_say_so_in_name_and_column():
    import base64
    import re

    report.reset_ids()
    report.mark_synthetic("Synthetic example: invented counts")
    try:
        out = report.csv_link_html(pd.DataFrame({"practice": ["P1"], "uptake": [0.5]}), "Uptake by practice")
    finally:
        report.reset_ids()
    assert 'download="synthetic-uptake-by-practice.csv"' in out
    text = base64.b64decode(re.search(r"base64,([^\"]+)", out).group(1)).decode("utf-8-sig")
    assert text.splitlines()[0] == "synthetic data,practice,uptake"
    assert text.splitlines()[1] == "Synthetic example: invented counts,P1,0.5"
    plain = report.csv_link_html(pd.DataFrame({"a": [1]}), "Real table")  # reset: real data again
    assert 'download="real-table.csv"' in plain and 'data-jsna-title="Real table"' in plain


def test_table_numbers_have_thousands_separators_but_years_do_not():
    df = pd.DataFrame({"Population": [11569, 343915], "Rate": [11287.5, 7.25], "Year": [2019, 2020],
                       "Rank": [30561, 172]})
    out = report.table_html(df, caption="t")
    for shown in (">11,569<", ">343,915<", ">11,287.5<", ">7.25<", ">30,561<", ">172<", ">2019<", ">2020<"):
        assert shown in out, shown
    assert 'data-sort="11569.0"' in out  # sorting uses the number, not the formatted text
    assert ">2,019<" not in out


def test_table_cells_carry_a_sort_key_only_where_it_differs_from_their_text():
    """The sort script falls back to a cell's text: a text cell needs no copy of it in data-sort;
    numbers (shown with separators) and missing values (sorted last) keep theirs."""
    out = report.table_html(pd.DataFrame({"Area": ["Alpha", "Beta"], "People": pd.array([1234, None], dtype="Int64")}), caption="t")
    assert '<td data-label="Area">Alpha</td>' in out
    assert 'data-sort="1234.0" data-num>1,234<' in out and 'data-sort=""><abbr title="not available">' in out


def test_figure_requires_alt_and_shows_description():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    with pytest.raises(ValueError, match="alt text is required"):
        report.figure_html(fig, alt="  ")
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    out = report.figure_html(fig, alt=f"Bars {EVIL}", description=f"A is 1 {EVIL}", caption="Source: toy")
    assert re.search(r'<svg [^>]*role="img" aria-label="Bars &lt;script&gt;', out)
    assert "<script>" not in out
    assert "Text description of this chart" in out and "A is 1 &lt;script&gt;" in out
    assert "<figcaption>Source: toy</figcaption>" in out
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [1, 2])
    png = report.figure_html(fig, alt="Bars", fmt="png")
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="Bars"', png)


def test_a_figure_of_many_vertices_goes_straight_to_png(monkeypatch):
    """A map of thousands of small areas: its SVG would exceed SVG_MAX_BYTES, so it is drawn once,
    as PNG, not first as an SVG to be thrown away."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    n = report.SVG_MAX_BYTES // report.SVG_MIN_BYTES_PER_VERTEX // 4 + 10  # squares of 4 vertices
    fig, ax = plt.subplots()
    ax.add_collection(PolyCollection([[(i, 0), (i + 1, 0), (i + 1, 1), (i, 1)] for i in range(n)]))
    ax.autoscale_view()
    formats = []
    real = type(fig).savefig
    monkeypatch.setattr(type(fig), "savefig", lambda self, *a, **k: formats.append(k.get("format")) or real(self, *a, **k))
    out = report.figure_html(fig, alt="Many squares")
    # drawn as PNG only: once, and once more laid out for a phone (10 pt text on 6.4 in is under 9 px there)
    assert formats == ["png", "png"] and '<img src="data:image/png;base64,' in out
    fig, ax = plt.subplots()  # a small chart is still tried as SVG first (text stays text)
    ax.add_collection(PolyCollection([[(0, 0), (1, 0), (1, 1)]]))
    assert "<svg" in report.figure_html(fig, alt="One triangle") and formats[-1] == "svg"


def _csv_of(markup: str) -> pd.DataFrame:
    import base64
    import io

    m = re.search(r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', markup)
    assert m, "no CSV link"
    return pd.read_csv(io.StringIO(base64.b64decode(m.group(1)).decode("utf-8-sig")))


def test_figure_svg_text_stays_text_ids_unique_and_small_text_gets_a_minimum_width():
    import matplotlib.pyplot as plt

    outs = []
    for _ in range(2):
        fig, ax = plt.subplots(figsize=(8, 4))
        ax.plot([1, 2, 3], [4, 5, 6], label="rate")
        ax.set_title("Searchable title")
        ax.tick_params(labelsize=6)
        outs.append(report.figure_html(fig, alt="Line"))
    assert "Searchable title</text>" in outs[0]
    ids = [re.findall(r'\bid="([^"]+)"', o) for o in outs]
    assert ids[0] and not set(ids[0]) & set(ids[1])
    natural = float(re.search(r'data-jsna-natural-px="([\d.]+)"', outs[0]).group(1))
    min_w = float(re.search(r"min-width:(\d+)px", outs[0]).group(1))
    # 6 pt = 8 CSS px at natural size, so the chart may shrink to 8/9 of it and no further
    assert min_w == pytest.approx(natural * 9 / 8, abs=1.5)
    data = _csv_of(outs[0])
    assert list(data["y"]) == [4, 5, 6] and set(data["series"]) == {"rate"}


def test_figure_links_attached_data_with_units_and_source():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1], [2])
    report.attach_data(fig, pd.DataFrame({"area": ["=HYPERLINK(1)", "B"], "value": [1.5, -2.0]}),
                       {"unit": "%", "source": "Toy"})
    data = _csv_of(report.figure_html(fig, alt="x"))
    assert list(data.columns) == ["area", "value", "unit", "source"]
    assert data["area"][0] == "'=HYPERLINK(1)" and data["value"][1] == -2.0 and data["unit"][0] == "%"


def test_table_csv_parses_back_cells_carry_labels_and_wide_tables_print_landscape():
    df = pd.DataFrame({c: [1234.5678, None] for c in "abcdefgh"} | {"name": ["-x", "@y"]})
    out = report.table_html(df, caption="Wide", number_format={"a": ".1f"})
    assert 'data-label="a"' in out and "jsna-table-stack" in out and "jsna-table-wide" in out
    data = _csv_of(out)
    assert data["a"][0] == 1234.5678 and pd.isna(data["b"][1])
    assert list(data["name"]) == ["'-x", "'@y"]
    assert "jsna-table-wide" not in report.table_html(df[["a", "b"]], caption="Narrow")
    assert "data:text/csv" not in report.table_html(df, caption="No CSV", csv=False)


def test_summary_box_escapes_and_requires_content():
    out = report.summary_box_html([f"One {EVIL}", "Two"])
    assert out.count("<li>") == 2 and "&lt;script&gt;" in out and "<script>" not in out
    assert '<section class="jsna-summary"' in out and "<h2>Summary</h2>" in out
    with pytest.raises(ValueError):
        report.summary_box_html([])


def test_about_the_data_is_written_from_the_catalogue(catalogue_dir):
    out = report.about_the_data_html(["toy_source", "toy_two", "toy_source"], catalogue_dir=catalogue_dir)
    assert 'data-jsna-sources="toy_source toy_two"' in out  # duplicates dropped, order kept
    assert "<h2>About the data</h2>" in out
    assert "Toy &lt;b&gt;indicator&lt;/b&gt; table" in out  # catalogue text escaped too
    assert "Published by Office for Health Improvement &amp; Disparities." in out
    assert "Period: 2020 to 2022." in out and "Licence: Open Government Licence v3.0." in out
    assert "Caveats: Values for small areas are suppressed." in out  # the reader-facing caveats
    assert "File_7" not in out and "use the mirror" not in out  # the analysts' notes stay in the catalogue
    assert "Contains OHID data © Crown copyright 2024" in out
    assert 'href="https://fingertips.phe.org.uk/api/all_data/csv/by_indicator_id?indicator_id=90366"' in out


def test_about_the_data_unknown_source_lists_valid_ids(catalogue_dir):
    with pytest.raises(CatalogueError, match=r"Unknown data source 'nope'.*toy_source, toy_two"):
        report.about_the_data_html(["nope"], catalogue_dir=catalogue_dir)
    with pytest.raises(ValueError):
        report.about_the_data_html([], catalogue_dir=catalogue_dir)


def test_the_runner_takes_a_reports_sources_from_its_record_of_reads(catalogue_dir):
    import nbformat
    from jsna.reads import READS_MIME
    from jsna.runner.export import notebook_sources

    nb = nbformat.v4.new_notebook()
    nb.metadata["jsna"] = {"title": "t", "sources": ["declared_by_hand"]}  # never read: hand declarations are gone
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output(
        "display_data", data={"text/html": report.about_the_data_html(["toy_two"], catalogue_dir=catalogue_dir)})]
    nb.cells = [cell]
    assert notebook_sources(nb) == ["toy_two"]  # run outside the runner: the About section's list
    record = nbformat.v4.new_code_cell("import jsna.reads")
    record.outputs = [nbformat.v4.new_output("display_data", data={READS_MIME: {"sources": ["toy_two", "toy_source"]}})]
    nb.cells.append(record)
    assert notebook_sources(nb) == ["toy_two", "toy_source"]  # the runner's last cell: everything read


def test_about_the_data_lists_the_record_of_reads_by_default(catalogue_dir):
    from jsna import reads

    reads.reset()
    reads.note("toy_two")
    reads.note("toy_source")
    out = report.about_the_data_html(catalogue_dir=catalogue_dir)
    assert 'data-jsna-sources="toy_source toy_two"' in out  # in the catalogue's order, whatever the read order
    reads.reset()
    with pytest.raises(ValueError, match="read no catalogued source"):
        report.about_the_data_html(catalogue_dir=catalogue_dir)


def test_periods_in_words_never_show_iso_intervals():
    from jsna.words import period_in_words

    # ISO 8601: start/duration covers the duration and ends the day before start + duration
    assert period_in_words("2012-01-01/P1Y") == "1 January 2012 to 31 December 2012"
    assert period_in_words("2015-11-16/P1Y") == "16 November 2015 to 15 November 2016"
    assert period_in_words("2021-04-01/P3Y") == "1 April 2021 to 31 March 2024"
    assert period_in_words("2020-03-01/P7D") == "1 March 2020 to 7 March 2020"
    assert period_in_words("2020-01-31/P1M") == "31 January 2020 to 28 February 2020"  # 29 Feb - 1 day
    assert period_in_words("2019-01-01/2019-12-31") == "1 January 2019 to 31 December 2019"
    assert period_in_words("2016-20") == "2016-20"


# ------------------------------------------------------------------ methods-and-sources appendix
def test_appendix_html_is_one_details_block_with_a_level_two_heading():
    out = report.appendix_html([report.table_html(pd.DataFrame({"a": [1]}), "T"), report.note_html(EVIL)])
    assert out.startswith('<details class="jsna-appendix"><summary><h2>Methods and sources</h2>')
    assert out.count("<details") == 1 and out.endswith("</div></details>")
    assert " open" not in out.split(">", 1)[0]  # folded on screen: the reader meets the findings first
    assert "<script>" not in out and "&lt;script&gt;" in out


def test_appendix_collects_what_the_helpers_show_into_one_output(monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    with report.appendix():
        report.heading("How each indicator was computed", 3)
        report.paragraphs(["Rule: at least 3 areas."])
        report.note("A note")
    assert len(shown) == 1  # one block, shown when the with-block ends
    markup = shown[0].data
    assert markup.startswith('<details class="jsna-appendix">')
    assert markup.index("<h3>How each indicator was computed</h3>") < markup.index("A note")
    report.paragraphs("After")  # outside the block: shown at once, not collected
    assert len(shown) == 2 and "jsna-appendix" not in shown[1].data


def test_appendix_shows_what_it_collected_when_the_block_fails(monkeypatch):
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    with pytest.raises(RuntimeError), report.appendix():
        report.paragraphs("Before the error")
        raise RuntimeError("boom")
    assert len(shown) == 1 and "Before the error" in shown[0].data
    report.paragraphs("Next")
    assert len(shown) == 2 and "jsna-appendix" not in shown[1].data  # nothing left collecting


def test_the_stylesheet_prints_the_appendix_open_without_javascript():
    from jsna.runner.export import page_assets

    css = page_assets()["css"]
    print_rules = css[css.index("@media print"):]
    assert "details.jsna-appendix > *:not(summary) { display: block; }" in print_rules
    assert "details.jsna-appendix::details-content { content-visibility: visible; }" in print_rules


def test_see_also_links_another_report_with_escaped_text():
    out = report.link_html("equity_dashboard.html", "dashboard <b>", before="See the ", after=".")
    assert out == ('<p class="jsna-see-also">See the <a href="equity_dashboard.html">dashboard &lt;b&gt;</a>.</p>')


def _drawings(markup: str) -> list[tuple[str, float, float, float]]:
    """(wrap class, natural width px, smallest font pt, min-width px) of each drawing of a figure."""
    return [(m.group(1), float(m.group(2)), float(m.group(3)), float(m.group(4))) for m in re.finditer(
        r'<div class="jsna-chart-wrap ?([a-z-]*)"[^>]*><svg[^>]*data-jsna-natural-px="([\d.]+)" '
        r'data-jsna-min-font-pt="([\d.]+)" style="[^"]*min-width:(\d+)px', markup)]


def test_a_chart_too_wide_for_a_phone_gets_a_narrow_drawing_that_fits_it():
    """A 10-inch chart with 8 pt text would need 10 * 96 * 9 / (8 * 4/3) = 810 px to keep its text at
    9 px: it gets a second drawing whose minimum width fits a phone's 340 px, its text the same size."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4))
    ax.bar([f"group {i}" for i in range(8)], range(8), label="a long legend entry beside the plot")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title("A title long enough to need more than one line on a phone, so it wraps", loc="left")
    ax.tick_params(labelsize=8)
    out = report.figure_html(fig, alt="Bars", description="Eight bars.")
    drawings = _drawings(out)
    assert [d[0] for d in drawings] == ["jsna-chart-wide", "jsna-chart-narrow"]
    assert "jsna-has-narrow" in out and out.count("Text description of this chart") == 1
    wide, narrow = drawings
    assert wide[3] > report.PHONE_CHART_PX and narrow[3] <= report.PHONE_CHART_PX + 1
    assert narrow[2] == wide[2] == 8.0
    assert out.count('aria-label="Chart: Bars"') == 2 and out.count("data:text/csv") == 1


def test_a_chart_that_fits_a_phone_has_one_drawing_and_narrow_false_keeps_one():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 3))
    ax.plot([1, 2], [3, 4])
    ax.tick_params(labelsize=10)
    assert [d[0] for d in _drawings(report.figure_html(fig, alt="Line"))] == [""]
    fig, ax = plt.subplots(figsize=(10, 3))
    ax.plot([1, 2], [3, 4])
    assert [d[0] for d in _drawings(report.figure_html(fig, alt="Line", narrow=False))] == [""]


def test_a_chart_builder_may_give_its_own_narrow_drawing():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 3))
    ax.plot([1, 2], [3, 4])
    small, ax2 = plt.subplots(figsize=(4, 3))
    ax2.set_title("Phone version")
    ax2.plot([1, 2], [3, 4])
    fig.jsna_narrow = small
    out = report.figure_html(fig, alt="Line")
    assert [d[0] for d in _drawings(out)] == ["jsna-chart-wide", "jsna-chart-narrow"]
    assert out.index("Phone version</text>") > out.index("jsna-chart-narrow")


def test_a_long_list_is_folded_searchable_with_its_csv_outside_the_fold_and_not_printed():
    rows = pd.DataFrame({"LSOA name": [f"Area <{i}>" for i in range(300)], "decile": [i % 10 + 1 for i in range(300)]})
    out = report.long_list_html(rows, caption="Areas on the map", summary="Find an area: the 300 areas")
    assert out.startswith('<div class="jsna-long-list">')
    assert out.index("data:text/csv") < out.index("<details") and out.count("data:text/csv") == 1
    assert '<details class="jsna-long-list-body">' in out and "<details open" not in out
    fid = re.search(r'<label for="([^"]+)">', out).group(1)
    assert f'<input type="search" id="{fid}" data-jsna-filter' in out
    assert out.count("<tr>") == 301 and "Area &lt;7&gt;" in out
    assert '<p class="jsna-print-only">The list of all 300 rows' in out
    assert _csv_of(out)["LSOA name"].tolist()[:2] == ["Area <0>", "Area <1>"]
    css = page_assets_css()
    print_rules = css[css.index("@media print {\n  body"):]
    assert ".jsna-long-list," in print_rules and "display: none !important" in print_rules


def page_assets_css() -> str:
    from jsna.runner.export import page_assets

    return page_assets()["css"]


def test_the_stylesheet_stacks_tables_only_on_phones_and_breaks_no_word_in_print():
    css = page_assets_css()
    assert "jsna-stacked" not in css  # no script turns a desktop table into cards any more
    phone = css[css.index("@media screen and (max-width: 40rem)"):]
    assert phone.index(".jsna-table-stack, .jsna-table-stack tbody") < phone.index("}\n}")
    print_rules = css[css.index("@media print {\n  body"):]
    rules = [r for r in print_rules.split("\n") if not r.strip().startswith(("/*", "lets"))]
    assert not [r for r in rules if "anywhere" in r and "::after" not in r]
    assert "hyphens: none" in print_rules and ".jsna-table thead { display: table-header-group; }" in print_rules
    assert ".jsna-table th button { display: contents; }" in print_rules
