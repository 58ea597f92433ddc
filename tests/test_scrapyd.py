"""Deployment on Scrapyd: a scrapyd started here gets the project from `scrapyd-deploy` and runs
crawls scheduled through its HTTP API (schedule.json), with `config=` or `site=`; and the
`distributed` extras install together (`pip check`)."""

from __future__ import annotations

import configparser
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archiver.spiders.news import resolve_config_path
from tests.support import (
    REPO,
    article_documents,
    demo_config,
    demo_server,
    manifest,
    run_archiver,
    tool,
    warc_files,
)

#: Longest a scheduled demo crawl may take (it takes ~10 s); past it the job counts as hung.
JOB_DEADLINE = 240.0
#: What `scrapyd-deploy` needs of a checkout to build the project's egg.
PROJECT_FILES = ("scrapy.cfg", "setup.py", "pyproject.toml", "README.md", "archiver")
#: Requests from the tests and from scrapyd-deploy go straight to 127.0.0.1, never via a proxy.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
NO_PROXY_ENV = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


def installed(name: str) -> str | None:
    """The path of an executable beside this Python (or on PATH), None when not installed."""
    try:
        return tool(name)
    except RuntimeError:
        return None


@dataclass
class Scrapyd:
    """A scrapyd running on 127.0.0.1 with everything it writes under `root`."""

    url: str
    root: Path

    def get(self, endpoint: str, **params: str) -> dict[str, Any]:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with DIRECT.open(f"{self.url}/{endpoint}{query}", timeout=30) as response:
            answer: dict[str, Any] = json.load(response)
        return answer

    def post(self, endpoint: str, fields: list[tuple[str, str]]) -> dict[str, Any]:
        data = urllib.parse.urlencode(fields).encode()
        with DIRECT.open(f"{self.url}/{endpoint}", data=data, timeout=30) as response:
            answer: dict[str, Any] = json.load(response)
        return answer

    def schedule(self, *spider_args: tuple[str, str], settings: dict[str, str]) -> str:
        """schedule.json for the news spider: `-a` arguments and `-s` settings; the job id."""
        fields = [("project", "archiver"), ("spider", "news"), *spider_args]
        fields += [("setting", f"{key}={value}") for key, value in settings.items()]
        answer = self.post("schedule.json", fields)
        assert answer["status"] == "ok", answer
        return str(answer["jobid"])

    def job_log(self, job: str) -> str:
        path = self.root / "logs" / "archiver" / "news" / f"{job}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def wait_finished(self, *jobs: str) -> dict[str, dict[str, Any]]:
        """Poll listjobs.json until every job has finished; a job still going at the deadline
        fails the test (with the end of its log)."""
        deadline = time.monotonic() + JOB_DEADLINE
        while True:
            finished = {
                j["id"]: j for j in self.get("listjobs.json", project="archiver")["finished"]
            }
            if all(job in finished for job in jobs):
                return finished
            if time.monotonic() > deadline:
                hung = [job for job in jobs if job not in finished]
                pytest.fail(
                    f"jobs {hung} still not finished; log:\n{self.job_log(hung[0])[-3000:]}"
                )
            time.sleep(0.3)


def free_port() -> int:
    """A port nothing listens on now (scrapyd cannot take port 0 and say which it got)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def start_scrapyd(executable: str, root: Path) -> tuple[subprocess.Popen[bytes], str] | None:
    """Start scrapyd on a free port with its own scrapyd.conf in `root`: (process, base URL)
    once it listens, or None when the port was taken meanwhile (the process is gone)."""
    port = free_port()
    (root / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {root / 'eggs'}\n"
        f"logs_dir = {root / 'logs'}\n"
        f"items_dir = {root / 'items'}\n"
        f"dbs_dir = {root / 'dbs'}\n"
        "max_proc = 2\n"
        "poll_interval = 0.2\n",
        encoding="utf-8",
    )
    log = root / "scrapyd.out"
    with log.open("wb") as out:
        # scrapyd reads ./scrapyd.conf; the jobs it starts inherit this environment.
        proc = subprocess.Popen(
            [executable], cwd=root, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, **NO_PROXY_ENV},
        )  # fmt: skip
    deadline = time.monotonic() + 30
    while f"Site starting on {port}" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc)
            if "Address already in use" in log.read_text(errors="replace"):
                return None
            raise RuntimeError(f"scrapyd did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port}"


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scrapyd]:
    """A scrapyd of our own: its scrapyd.conf, eggs, logs, items and databases in a temp dir."""
    executable = installed("scrapyd")
    if executable is None:
        pytest.skip("scrapyd is not installed (pip install -e '.[test]' brings it)")
    root = tmp_path_factory.mktemp("scrapyd")
    started = None
    for _ in range(3):  # another process may take the free port before scrapyd does
        started = start_scrapyd(executable, root)
        if started is not None:
            break
    assert started is not None, "scrapyd found no free port"
    proc, url = started
    try:
        server = Scrapyd(url, root)
        deadline = time.monotonic() + 30
        while True:
            try:
                if server.get("daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)
        yield server
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def deployed(scrapyd: Scrapyd, tmp_path_factory: pytest.TempPathFactory) -> Scrapyd:
    """The project deployed with `scrapyd-deploy`, from a copy of the checkout (it builds there)
    whose scrapy.cfg `[deploy]` target points at our scrapyd."""
    deploy = installed("scrapyd-deploy")
    if deploy is None:
        pytest.skip("scrapyd-deploy is not installed (pip install -e '.[test]' brings it)")
    checkout = tmp_path_factory.mktemp("checkout")
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(source, checkout / name, ignore=ignore)
        else:
            shutil.copy2(source, checkout / name)
    cfg = configparser.ConfigParser()
    cfg.read(checkout / "scrapy.cfg")
    assert cfg.get("deploy", "project") == "archiver"
    assert cfg.get("settings", "default") == "archiver.settings"
    text = (checkout / "scrapy.cfg").read_text(encoding="utf-8")
    text = text.replace(cfg.get("deploy", "url"), f"{scrapyd.url}/")
    (checkout / "scrapy.cfg").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [deploy], cwd=checkout, capture_output=True, text=True, timeout=180,
        env={**os.environ, **NO_PROXY_ENV},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["status"] == "ok", result.stdout + result.stderr
    assert "news" in scrapyd.get("listspiders.json", project="archiver")["spiders"]
    return scrapyd


def assert_demo_archived(archive: Path) -> None:
    """Every demo article has its document, and the WARC files check out."""
    articles = [d for d in article_documents(archive) if d["is_article"]]
    assert len(articles) == len(manifest()["articles"])
    assert warc_files(archive)
    assert not list(archive.rglob("*.open"))
    verify = run_archiver("verify", "--archive", str(archive))
    assert verify.returncode == 0, verify.stdout + verify.stderr
    checked = subprocess.run(
        [tool("warcio"), "check", *map(str, warc_files(archive))], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_scheduled_crawl_with_config_archives_the_demo_site(
    deployed: Scrapyd, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    with demo_server(tmp_path) as base_url:
        config = demo_config(base_url, tmp_path / "demo.yaml")
        job = deployed.schedule(
            ("config", str(config)), settings={"ARCHIVER_ARCHIVE_DIR": str(archive)}
        )
        finished = deployed.wait_finished(job)
    log = deployed.job_log(job)
    assert "Spider closed (finished)" in log, log[-3000:]
    assert finished[job]["log_url"].endswith(f"{job}.log")
    assert_demo_archived(archive)


def test_scheduled_crawl_with_site_finds_it_in_the_config_dir(
    deployed: Scrapyd, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    configs = tmp_path / "configs"
    configs.mkdir()
    with demo_server(tmp_path) as base_url:
        demo_config(base_url, configs / "demo.yaml")
        job = deployed.schedule(
            ("site", "demo"),
            settings={"ARCHIVER_CONFIG_DIR": str(configs), "ARCHIVER_ARCHIVE_DIR": str(archive)},
        )
        deployed.wait_finished(job)
    assert "Spider closed (finished)" in deployed.job_log(job)
    assert_demo_archived(archive)


def test_a_bad_config_ends_the_job_with_the_error_in_its_log(
    deployed: Scrapyd, tmp_path: Path
) -> None:
    configs = tmp_path / "configs"
    configs.mkdir()
    (configs / "broken.yaml").write_text("site: broken\nsections: 3\n", encoding="utf-8")
    settings = {"ARCHIVER_CONFIG_DIR": str(configs), "ARCHIVER_ARCHIVE_DIR": str(tmp_path / "a")}
    missing = deployed.schedule(("site", "nosuch"), settings=settings)
    broken = deployed.schedule(("config", str(configs / "broken.yaml")), settings=settings)
    deployed.wait_finished(missing, broken)
    missing_log = deployed.job_log(missing)
    assert f"ConfigError: {configs / 'nosuch.yaml'}: (file): file not found" in missing_log
    broken_log = deployed.job_log(broken)
    assert f"{configs / 'broken.yaml'}: sections: expected a list, got 3" in broken_log
    assert not (tmp_path / "a" / "warc").exists()


def test_site_names_a_config_in_the_config_dir(tmp_path: Path) -> None:
    assert resolve_config_path(None, "demo") == Path("configs/demo.yaml")
    assert resolve_config_path(None, "demo", tmp_path) == tmp_path / "demo.yaml"
    assert resolve_config_path("x/other.yaml", "demo", tmp_path) == Path("x/other.yaml")
    for bad in ("../demo", "sub/demo", "/etc/demo", ".."):
        with pytest.raises(ValueError, match="not a path"):
            resolve_config_path(None, bad, tmp_path)


def test_distributed_extras_install_together() -> None:
    """`pip install "archiver[distributed]"` leaves a consistent environment."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for module in ("scrapy_redis", "redis", "scrapyd", "scrapyd_client"):
        importlib.import_module(module)
