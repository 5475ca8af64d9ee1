"""Model menu: scoring the batch, its pass and alarm lines, and the models themselves (the backbone runtime
choice joins it at the end)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from app.qt.qactions.command import Command, Menu

MENU = Menu("model", QT_TRANSLATE_NOOP("Menus", "&Model"), dict(
    score_batch=Command(
        QT_TRANSLATE_NOOP("Commands", "&Score batch"), ["Ctrl+R"],
        QT_TRANSLATE_NOOP("Commands", "Score the photos that have no score yet"),
        run=lambda w: w.scoring.score_unscored(),
        enabled=lambda s: s.has_batch and s.has_model and not s.scoring and s.has_unscored),
    rescore_batch=Command(
        QT_TRANSLATE_NOOP("Commands", "&Rescore all photos"), ["Ctrl+Shift+R"],
        QT_TRANSLATE_NOOP("Commands", "Score every photo again with the current model"),
        run=lambda w: w.scoring.rescore_all(), enabled=lambda s: s.has_batch and s.has_model and not s.scoring),
    cancel_scoring=Command(
        QT_TRANSLATE_NOOP("Commands", "&Cancel scoring"), ["Esc"],
        QT_TRANSLATE_NOOP("Commands", "Stop scoring after the current photos"), run=lambda w: w.scoring.cancel(),
        enabled=lambda s: s.scoring),
    operating_point=Command(
        QT_TRANSLATE_NOOP("Commands", "&Operating point…"), [],
        QT_TRANSLATE_NOOP("Commands", "How many foreign bodies the pass line has caught in past reviews, "
                                      "and what moving it would change"),
        run=lambda w: w.thresholds.open_operating_point_dialog(), enabled=lambda s: s.has_batch and s.has_threshold,
        section=1),
    save_threshold=Command(
        QT_TRANSLATE_NOOP("Commands", "Save thresholds to &model"), [],
        QT_TRANSLATE_NOOP("Commands", "Write the batch's pass and alarm thresholds into the model file"),
        run=lambda w: w.thresholds.save_threshold_to_model(), enabled=lambda s: s.can_save_threshold, section=1),
    train_model=Command(
        QT_TRANSLATE_NOOP("Commands", "&Train new model…"), ["Ctrl+T"],
        QT_TRANSLATE_NOOP("Commands", "Train a model from photos without foreign bodies"),
        short=QT_TRANSLATE_NOOP("Commands", "Train…"), run=lambda w: w.models.open_train_dialog(), section=2,
        toolbar=(50, 0)),
    improve_model=Command(
        QT_TRANSLATE_NOOP("Commands", "&Improve model from this review…"), ["Ctrl+I"],
        QT_TRANSLATE_NOOP("Commands", "Retrain with the photos rejected as false alarms; you decide whether to "
                                      "use the result"),
        short=QT_TRANSLATE_NOOP("Commands", "Improve…"), run=lambda w: w.models.open_improve_dialog(),
        enabled=lambda s: s.has_batch and s.has_model and s.has_model_path and not s.scoring, section=2,
        toolbar=(50, 1)),
    model_versions=Command(
        QT_TRANSLATE_NOOP("Commands", "Model &versions…"), [],
        QT_TRANSLATE_NOOP("Commands", "Earlier versions of this model; make one active again"),
        run=lambda w: w.models.open_versions_dialog(), enabled=lambda s: s.has_model_path, section=2),
    refresh_library=Command(
        QT_TRANSLATE_NOOP("Commands", "Re&fresh model library"), [],
        QT_TRANSLATE_NOOP("Commands", "Look for new models in the library folder"),
        run=lambda w: w.models.refresh_library(), section=2),
))
