"""Every default is stated once, in the config dataclasses; the command line and the engine read it from there."""
from __future__ import annotations

import inspect

from app.cli import build_parser
from app.cli.training import model_config
from core.config import FlowConfig, ModelConfig, RetrainConfig, ScoringConfig, TrainConfig


def test_train_without_options_builds_the_defaultmodel_config():
    args = build_parser().parse_args(["train", "--data", "d", "--out", "m.csa"])
    assert model_config(args) == ModelConfig()


def test_given_options_override_only_themselves():
    args = build_parser().parse_args(["train", "--data", "d", "--out", "m.csa", "--epochs", "3", "--seed", "5",
                                      "--image-size", "128", "--patience", "2", "--time-budget", "1.5"])
    config = model_config(args)
    assert (config.train.epochs, config.train.seed, config.flow.seed) == (3, 5, 5)
    assert config.input.image_size == 128 and config.train.early_stop_patience == 2
    assert config.train.time_budget_s == 90.0
    assert config.train.batch_size == TrainConfig.batch_size and config.flow == FlowConfig(seed=5)


def test_options_left_out_are_none_and_their_help_shows_the_dataclass_default():
    parser = build_parser()
    score = parser.parse_args(["score", "--model", "m", "--images", "i", "--out", "o"])
    retrain = parser.parse_args(["retrain", "--model", "m", "--from-log", "b", "--out", "n.csa"])
    assert score.batch_size is None and retrain.epochs is None
    sub = {name: p for action in parser._subparsers._group_actions for name, p in action.choices.items()}
    assert f"(default: {ScoringConfig.batch_size})" in " ".join(sub["score"].format_help().split())
    assert f"(default: {RetrainConfig.epochs})" in " ".join(sub["retrain"].format_help().split())
    assert f"(default: {TrainConfig.epochs})" in " ".join(sub["train"].format_help().split())


def test_engine_functions_take_their_defaults_from_the_dataclasses():
    from core.scoring.batch import score_batch
    from core.scoring.detector import Detector
    from core.features.extractor import FeatureExtractor
    from core.training.retrain import retrain_from_log

    def default(function, name):
        return inspect.signature(function).parameters[name].default

    assert default(score_batch, "batch_size") == ScoringConfig.batch_size
    assert default(Detector.score_images, "batch_size") == ScoringConfig.batch_size
    assert default(Detector.score_features, "batch_size") == ScoringConfig.feature_rows
    assert default(FeatureExtractor.extract_paths, "batch_size") == ScoringConfig.batch_size
    assert default(retrain_from_log, "settings") == RetrainConfig()
