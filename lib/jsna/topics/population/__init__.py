"""Who lives here: population, age, sex, ethnic group and change, for any council or group of councils."""

from __future__ import annotations

from jsna.topics import TopicSpec

TOPIC = TopicSpec(
    id='population',
    title='Who lives here: population, age, sex and ethnic group',
    order=0,
    description='How many people live here, their ages and sexes against England, how the population has changed '
                'since 2021, ethnic groups at the 2021 Census, and where people live by deprivation',
)
