"""The Ray engine on a local Ray instance started by the test: the local engine's report."""

from __future__ import annotations

import pytest

import storylens
from storylens.render.json import report_to_dict
from tests.conftest import EXAMPLES

ray = pytest.importorskip("ray")


def test_without_a_running_instance_the_engine_starts_one_and_stops_it():
    from storylens.engine.ray import RayEngine
    from storylens.settings import Settings

    assert not ray.is_initialized()
    engine = RayEngine(Settings(engine="ray", workers=1))
    assert ray.is_initialized() and engine.workers == 1
    engine.close()
    assert not ray.is_initialized()


@pytest.fixture(scope="module")
def local_ray():
    # two CPUs, no dashboard: small and quick; the engine joins it instead of starting its own
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_with_one_and_two_workers_gives_the_local_report(local_ray):
    local = report_to_dict(storylens.analyze([str(EXAMPLES)], workers=1))
    for workers in (1, 2):
        on_ray = storylens.analyze([str(EXAMPLES)], engine="ray", workers=workers)
        assert report_to_dict(on_ray) == local, f"ray with {workers} workers"
    # the engine left the instance it joined running
    assert ray.is_initialized()
