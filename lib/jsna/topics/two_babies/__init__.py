"""Tale of two babies: the life course in the most against the least deprived areas."""

from __future__ import annotations

from jsna.topics import TopicSpec

TOPIC = TopicSpec(
    id='two_babies',
    title='A tale of two babies',
    order=2,
    description='The life course of a baby from the most and from the least deprived fifth of neighbourhoods, from start well to die well',
)
