"""Helpers shared by the tests of every topic (import as ``from tests.support import numbers``)."""
