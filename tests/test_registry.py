import pytest

from classifier.registry import ModelRegistry
from core.errors import NoModelError


@pytest.fixture
def registry(tmp_path) -> ModelRegistry:
    return ModelRegistry(tmp_path / "models")


def test_empty_registry_has_no_current_model(registry):
    assert registry.current_version() is None
    with pytest.raises(NoModelError, match="train"):
        registry.load()


def test_saved_model_is_not_current_until_promoted(registry):
    version = registry.save({"weights": [1, 2]}, {"metrics": {"macro_f1": 0.9}})
    assert registry.versions() == [version]
    assert registry.current_version() is None
    registry.promote(version)
    assert registry.load() == {"weights": [1, 2]}


def test_metadata_records_version_time_and_what_was_given(registry):
    version = registry.save("m", {"data_fingerprint": "abc", "params": {"C": 0.5}})
    meta = registry.metadata(version)
    assert meta["version"] == version
    assert meta["data_fingerprint"] == "abc" and meta["params"] == {"C": 0.5}
    assert "created_at" in meta


def test_promotion_switches_the_current_model(registry):
    first = registry.save("first", {})
    second = registry.save("second", {})
    registry.promote(first)
    registry.promote(second)
    assert registry.current_version() == second
    assert registry.load() == "second"
    assert registry.load(first) == "first"


def test_rollback_restores_the_previous_version(registry):
    first, second = registry.save("first", {}), registry.save("second", {})
    registry.promote(first)
    registry.promote(second)
    assert registry.rollback() == first
    assert registry.load() == "first"


def test_two_rollbacks_go_two_versions_back(registry):
    versions = [registry.save(name, {}) for name in ("a", "b", "c")]
    for version in versions:
        registry.promote(version)
    registry.rollback()
    assert registry.rollback() == versions[0]


def test_rollback_without_a_previous_version_is_refused(registry):
    registry.promote(registry.save("only", {}))
    with pytest.raises(NoModelError, match="roll back"):
        registry.rollback()
    assert registry.load() == "only"


def test_history_records_promotions_and_rollbacks(registry):
    first, second = registry.save("first", {}), registry.save("second", {})
    registry.promote(first)
    registry.promote(second)
    registry.rollback()
    assert [(h["action"], h["version"]) for h in registry.history()] == [
        ("promote", first), ("promote", second), ("rollback", first)
    ]


def test_unknown_or_unsafe_version_is_refused(registry):
    registry.promote(registry.save("only", {}))
    for bad in ("20990101T000000-ffffff", "../models", ".staging-x", ""):
        with pytest.raises(NoModelError):
            registry.promote(bad)
    assert registry.load() == "only"


def test_a_failed_save_leaves_no_partial_version(registry):
    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("cannot pickle")

    with pytest.raises(RuntimeError):
        registry.save(Unpicklable(), {})
    assert registry.versions() == []
    assert [p.name for p in registry.root.iterdir()] == []
