"""The scaled-out compose files: replicas behind a proxy, one beat, stateless app containers.

The structure is read from the YAML (the merge rules of compose are simple for the
keys checked here); where the docker-compose client is installed, its own `config`
validates the merged result too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")
VARIABLES = {
    "SECRET_KEY": "x" * 50,
    "S3_SECRET_ACCESS_KEY": "portal-secret",
    "MINIO_ROOT_PASSWORD": "minio-secret",
    "WEB_PORT": "127.0.0.1:8001-8010",
}


def _load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())["services"]


def test_compose_scale_runs_replicas_behind_the_proxy_and_one_beat():
    base, scale = _load("docker-compose.yml"), _load("docker-compose.scale.yml")
    assert scale["web"]["scale"] == "${WEB_REPLICAS:-3}"
    assert scale["worker"]["scale"] == "${WORKER_REPLICAS:-2}"
    assert scale["beat"]["scale"] == 1
    assert scale["proxy"]["image"].startswith("nginx:")
    assert scale["proxy"]["depends_on"] == {"web": {"condition": "service_healthy"}}
    assert scale["minio"]["image"].startswith("minio/minio:RELEASE.")
    assert "ports" not in scale["minio"]  # the portal streams files; the store stays inside
    # Migrations once, before any web replica: never several replicas migrating at once.
    assert "migrate" not in " ".join(base["web"]["command"])
    assert base["web"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert scale["web"]["depends_on"]["minio-init"] == {
        "condition": "service_completed_successfully"
    }


def test_compose_scale_app_containers_keep_nothing_locally():
    scale = _load("docker-compose.scale.yml")
    for name in APP_SERVICES:
        service = scale[name]
        assert service["read_only"] is True, name
        assert service["tmpfs"] == ["/tmp"], name
        assert {"type": "tmpfs", "target": "/data/media"} in service["volumes"], name
    for name in ("web", "worker", "beat"):
        environment = scale[name]["environment"]
        assert environment["S3_BUCKET"] == "${S3_BUCKET:-portal-files}", name
        assert environment["TRUSTED_PROXY_COUNT"] == "${TRUSTED_PROXY_COUNT:-1}", name
    assert "/tmp/" in " ".join(_load("docker-compose.yml")["beat"]["command"])


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="needs docker-compose")
def test_compose_scale_config_is_valid_for_docker_compose():
    env = {**os.environ, **VARIABLES}
    files = ["-f", "docker-compose.yml", "-f", "docker-compose.scale.yml"]
    merged = subprocess.run(
        ["docker-compose", *files, "config"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert merged.returncode == 0, merged.stderr
    services = yaml.safe_load(merged.stdout)["services"]
    assert services["web"]["scale"] == 3 and services["worker"]["scale"] == 2
    # The media volume of the base file is replaced, not added to.
    assert "media:/data/media:rw" not in services["web"]["volumes"]
    missing = {k: v for k, v in env.items() if k != "WEB_PORT"}
    refused = subprocess.run(
        ["docker-compose", *files, "config"],
        cwd=ROOT,
        env=missing,
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0 and "Set WEB_PORT" in refused.stderr
