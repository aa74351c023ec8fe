"""Covid-19 impact: waves, deaths, MSOA harm by deprivation, vaccine equity."""

from __future__ import annotations

from jsna.topics import TopicSpec

TOPIC = TopicSpec(
    id='covid_impact',
    title='Covid-19 impact',
    order=3,
    description='Waves, deaths, and the deprivation and ethnicity gaps in Covid-19 harm and vaccine uptake',
)
