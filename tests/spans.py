"""Finished spans, kept in memory: the process's tracer provider exports to this as it would to the
ADOT collector, through the same redaction."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from tessera.core.observability import RedactingExporter, tracer_provider


@cache
def _exporter() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    tracer_provider.add_span_processor(SimpleSpanProcessor(RedactingExporter(exporter)))
    return exporter


@pytest.fixture(name="spans")
def spans_fixture() -> Iterator[InMemorySpanExporter]:
    exporter = _exporter()
    exporter.clear()
    yield exporter
    exporter.clear()
