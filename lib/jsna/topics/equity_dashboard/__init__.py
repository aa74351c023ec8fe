"""Health-equity dashboard and Core20PLUS5 view for a Place."""

from __future__ import annotations

from jsna.topics import TopicSpec

TOPIC = TopicSpec(
    id='equity_dashboard',
    title='Health equity dashboard and Core20PLUS5',
    order=4,
    description='Indicators against England with 95% and 99.8% significance, trends and inequality gaps, and the Core20PLUS5 population and clinical areas',
)
