"""Model menu: scoring the batch, its pass and alarm lines, and the models themselves (the backbone runtime
choice joins it at the end)."""
from __future__ import annotations

from app.qt.qactions.command import Command, Menu

MENU = Menu("model", "&Model", (
    Command("score_batch", "&Score batch", ["Ctrl+R"], "Score the photos that have no score yet",
            run=lambda w: w.scoring.score_unscored(),
            enabled=lambda s: s.has_batch and s.has_model and not s.scoring and s.has_unscored),
    Command("rescore_batch", "&Rescore all photos", ["Ctrl+Shift+R"], "Score every photo again with the current model",
            run=lambda w: w.scoring.rescore_all(), enabled=lambda s: s.has_batch and s.has_model and not s.scoring),
    Command("cancel_scoring", "&Cancel scoring", ["Esc"], "Stop scoring after the current photos",
            run=lambda w: w.scoring.cancel(), enabled=lambda s: s.scoring),
    Command("operating_point", "&Operating point…", [],
            "How many foreign bodies the pass line has caught in past reviews, and what moving it would change",
            run=lambda w: w.thresholds.open_operating_point_dialog(),
            enabled=lambda s: s.has_batch and s.has_threshold, section=1),
    Command("save_threshold", "Save thresholds to &model", [],
            "Write the batch's pass and alarm thresholds into the model file",
            run=lambda w: w.thresholds.save_threshold_to_model(), enabled=lambda s: s.can_save_threshold, section=1),
    Command("train_model", "&Train new model…", ["Ctrl+T"], "Train a model from photos without foreign bodies",
            short="Train…", run=lambda w: w.models.open_train_dialog(), section=2, toolbar=(50, 0)),
    Command("improve_model", "&Improve model from this review…", ["Ctrl+I"],
            "Retrain with the photos rejected as false alarms; you decide whether to use the result", short="Improve…",
            run=lambda w: w.models.open_improve_dialog(),
            enabled=lambda s: s.has_batch and s.has_model and s.has_model_path and not s.scoring, section=2,
            toolbar=(50, 1)),
    Command("model_versions", "Model &versions…", [], "Earlier versions of this model; make one active again",
            run=lambda w: w.models.open_versions_dialog(), enabled=lambda s: s.has_model_path, section=2),
    Command("refresh_library", "Re&fresh model library", [], "Look for new models in the library folder",
            run=lambda w: w.models.refresh_library(), section=2),
))
