"""Model info and lineage travel as typed records; a model file stores the lineage exactly as before."""
from __future__ import annotations

from pathlib import Path

from core.models.modelheader import AddedImage, Lineage, ModelInfo

STORED = {
    "parent": {"path": "/models/brakes.v2.csa", "name": "brakes", "created": "2026-11-30T10:00:00+00:00"},
    "added_images": [{"path": "/batches/b3/img_1.png", "sha256": "ab" * 32, "batch": "/batches/b3", "reviewer": "Anna",
                      "decided_at": "2026-11-30T11:00:00+00:00", "held_out": False}],
    "old_normals": 60,
    "retrained_at": "2026-11-30T12:00:00+00:00",
    "epochs": 8,
    "history": [{
        "parent": {"path": "/models/brakes.csa", "name": "brakes", "created": "2026-11-29T10:00:00+00:00"},
        "added_images": [{"path": "/batches/b1/img_9.png", "sha256": "cd" * 32, "batch": "/batches/b1",
                          "reviewer": "Ben", "decided_at": "2026-11-29T11:00:00+00:00", "held_out": True}],
        "old_normals": 60,
        "retrained_at": "2026-11-29T12:00:00+00:00",
        "epochs": 8,
    }],
}


def test_lineage_reads_and_writes_the_stored_form():
    lineage = Lineage.from_meta({"lineage": STORED})
    assert lineage is not None and lineage.as_meta() == STORED
    assert [r.retrained_at for r in lineage.rounds()] == [STORED["retrained_at"], STORED["history"][0]["retrained_at"]]
    assert [a.batch for a in lineage.every_added_image()] == ["/batches/b3", "/batches/b1"]
    assert lineage.every_added_image()[1] == AddedImage(Path("/batches/b1/img_9.png"), "cd" * 32, "/batches/b1", "Ben",
                                                        "2026-11-29T11:00:00+00:00", held_out=True)


def test_a_trained_model_has_no_lineage_and_broken_entries_are_left_out():
    assert Lineage.from_meta({"name": "brakes"}) is None and Lineage.from_meta(None) is None
    lineage = Lineage.from_meta({"lineage": {"added_images": ["not an entry", {"sha256": "ef"}], "epochs": "x"}})
    assert lineage is not None and lineage.added_images == () and lineage.epochs is None


def test_model_info_leaves_unknown_fields_empty():
    info = ModelInfo(name="brakes", threshold=2.0)
    assert info.alarm_threshold is None and info.heatmap_low is None and info.threshold == 2.0
