"""A group Place's dashboard is one comparative table (issue 24 item 5): an indicator per row, each council's
value with the dashboard's own verdict as symbol and word, England in the last column."""

from __future__ import annotations

import numpy as np
import pandas as pd
from jsna.topics.equity_dashboard.tables import comparison_display


def _rows(area: str, value: float, period: str, england: float, sig: str, old: bool = False) -> dict:
    return {"indicator_id": "pm", "name": "Preventable mortality", "stage": "Die well", "dp": 1, "area_name": area,
            "value": value, "period": period, "england": england, "sig95": sig, "old": old}


def test_councils_in_columns_with_symbol_and_word():
    dash = pd.DataFrame([_rows("A", 191.6, "2024", 145.8, "worse"), _rows("B", 120.04, "2023", 140.0, "better"),
                         _rows("C", np.nan, None, np.nan, "not compared"),
                         {**_rows("A", 9.8, "2024", 10.4, "similar"), "indicator_id": "sm", "name": "Smoking"}])
    t = comparison_display(dash, ["A", "B", "C"])
    assert list(t.columns) == ["Life stage", "Indicator", "Period", "A", "B", "C", "England"]
    pm = t.iloc[0]
    assert (pm["Period"], pm["A"], pm["England"]) == ("2024", "191.6: ▼ worse", "145.8")
    # a council a period behind: its own period and England's value in it, beside its verdict
    assert pm["B"] == "120.0 (2023, England 140.0): ▲ better"
    assert pm["C"] is None  # shown as "not available"
    assert t.iloc[1]["A"] == "9.8: ● similar" and len(t) == 2
