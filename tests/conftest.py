"""Shared fixtures: Scrapy's reactor for in-process crawls, and the demo site served once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.crawling import install_asyncio_reactor, stop_reactor
from tests.support import demo_server

install_asyncio_reactor()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The bundled demo news site on a free port, for the whole test run; its base URL."""
    with demo_server(tmp_path_factory.mktemp("demo-site")) as base_url:
        yield base_url


@pytest.fixture(scope="session", autouse=True)
def reactor_stopped_at_the_end() -> Iterator[None]:
    """In-process crawls start the reactor and leave it running; it is shut down once, last."""
    yield
    stop_reactor()
