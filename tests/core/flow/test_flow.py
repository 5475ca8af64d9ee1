"""The flow is an exact, invertible density model, for every attention variant."""
from __future__ import annotations

import pytest
import torch
from torch.autograd.functional import jacobian

from core.config import VARIANTS, FlowConfig
from core.flow.anomaly_map import grid_maps, image_scores, likelihood_maps, position_maps
from core.flow.loss import nll_per_dim
from core.flow.torch_model import CSAFlow

SHAPES = [(6, 8, 8), (6, 4, 4), (6, 2, 2)]


def make_flow(variant: str, shapes=SHAPES, hidden: int = 8, seed: int = 0) -> CSAFlow:
    flow = CSAFlow(shapes, FlowConfig(variant=variant, hidden_channels=hidden, seed=seed))
    # blocks start as the identity (zero output convolutions, attention gamma 0): give them values so the
    # test sees real couplings
    torch.manual_seed(1)
    with torch.no_grad():
        for name, p in flow.named_parameters():
            if name.endswith("gamma"):
                p.fill_(0.7)
            elif ".conv_out." in name:
                p.normal_(0.0, 0.1)
    return flow.eval()


def features(batch: int, shapes=SHAPES, seed: int = 0) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(batch, *s, generator=g) * 2 + 1 for s in shapes]


@pytest.mark.parametrize("variant", VARIANTS)
def test_reverse_of_forward_gives_input_back(variant):
    flow = make_flow(variant)
    x = features(3)
    with torch.no_grad():
        z, log_det = flow(x)
        x_back, log_det_rev = flow.reverse(z)
    assert not all(torch.allclose(a, b) for a, b in zip(x, z)), "the flow must not be the identity here"
    for a, b in zip(x, x_back):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(log_det, -log_det_rev, atol=1e-3, rtol=1e-5)


@pytest.mark.parametrize("variant,shapes", [
    *[(v, [(4, 4, 4), (4, 2, 2), (4, 1, 1)]) for v in VARIANTS],
    # stages of one backbone pass differ in width (and may be odd): each splits its own channels
    ("csa", [(3, 4, 4), (5, 2, 2), (6, 2, 2)]),
])
def test_log_det_matches_numerical_change_of_variables(variant, shapes):
    """log|det dz/dy| from the model equals the brute-force Jacobian's, so CA and SA keep the density exact."""
    flow = make_flow(variant, shapes, hidden=6).double()
    x = [t.double() for t in features(1, shapes)]
    sizes = [t.numel() for t in x]

    def flat_forward(v: torch.Tensor) -> torch.Tensor:
        parts, start = [], 0
        for s, n in zip(shapes, sizes):
            parts.append(v[start : start + n].reshape(1, *s))
            start += n
        z, _ = flow(parts)
        return torch.cat([t.flatten() for t in z])

    v = torch.cat([t.flatten() for t in x])
    jac = jacobian(flat_forward, v)
    sign, brute = torch.linalg.slogdet(jac)
    _, log_det = flow(x)
    assert sign.item() != 0
    assert log_det.item() == pytest.approx(brute.item(), abs=1e-6)


@pytest.mark.parametrize("variant", ["csflow", "csa"])
def test_training_cannot_lower_the_loss_by_shrinking_features(variant):
    """Fitted on data, latents come out standard normal (E[z^2] ~ 1); a flow that could shrink its input
    without paying in log|det J| would drive z towards 0 instead."""
    torch.manual_seed(0)
    shapes = [(8, 4, 4), (8, 2, 2), (8, 1, 1)]
    flow = CSAFlow(shapes, FlowConfig(variant=variant, hidden_channels=16))
    base = features(48, shapes, seed=3)
    data = [t * 0.05 + 0.3 * t.roll(1, dims=1) for t in base]  # correlated, badly scaled features
    flow.set_feature_statistics(data)
    optimizer = torch.optim.Adam(flow.parameters(), lr=2e-3)
    first = None
    for step in range(50):
        z, log_det = flow(data)
        loss = nll_per_dim(z, log_det)
        first = first if first is not None else loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    assert loss.item() < first
    with torch.no_grad():
        z, _ = flow(data)
    mean_sq = torch.cat([t.flatten() for t in z]).pow(2).mean().item()
    assert 0.5 < mean_sq < 1.5
    # scaling the input by a constant changes the NLL by exactly -log(scale) per dimension
    with torch.no_grad():
        z1, ld1 = flow(data)
        flow_scaled = CSAFlow(shapes, FlowConfig(variant=variant, hidden_channels=16))
        flow_scaled.load_state_dict(flow.state_dict())
        stats = flow.standardize
        flow_scaled.standardize.set_statistics(
            [getattr(stats, f"mean{s}").flatten() * 10 for s in range(3)],
            [getattr(stats, f"log_std{s}").exp().flatten() * 10 for s in range(3)],
        )
        z2, ld2 = flow_scaled([t * 10 for t in data])
    for a, b in zip(z1, z2):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)
    expected = nll_per_dim(z1, ld1).item() + torch.log(torch.tensor(10.0)).item()
    assert nll_per_dim(z2, ld2).item() == pytest.approx(expected, rel=1e-4)


def test_scores_and_maps_have_expected_shapes_and_respond_to_outliers():
    flow = make_flow("csa")
    x = features(2)
    x[0][1, :, 3:5, 3:5] += 25.0  # a local outlier in image 1
    with torch.no_grad():
        z, _ = flow(x)
    scores = image_scores(z)
    maps = position_maps(z)
    assert scores.shape == (2,)
    assert maps.shape == (2, 8, 8)
    assert scores[1] > scores[0]
    peak = divmod(int(maps[1].argmax()), 8)
    assert 2 <= peak[0] <= 5 and 2 <= peak[1] <= 5


def test_variants_differ_in_modules():
    names = {v: {n for n, _ in make_flow(v).named_modules()} for v in VARIANTS}
    assert not any(".ca." in n for n in names["csflow"]) and not any(".sa." in n for n in names["csflow"])
    assert any(".ca." in n for n in names["csflow+ca"]) and not any(".sa." in n for n in names["csflow+ca"])
    assert any(".sa." in n for n in names["csflow+sa"]) and not any(".ca." in n for n in names["csflow+sa"])
    assert any(".ca." in n for n in names["csa"]) and any(".sa." in n for n in names["csa"])


def test_same_seed_builds_same_flow():
    a = CSAFlow(SHAPES, FlowConfig(hidden_channels=8, seed=3))
    b = CSAFlow(SHAPES, FlowConfig(hidden_channels=8, seed=3))
    for (na, pa), (nb, pb) in zip(a.state_dict().items(), b.state_dict().items()):
        assert na == nb and torch.equal(pa, pb)


def test_ablation_switches_start_as_the_identity_and_keep_the_density_exact():
    """CS-Flow's zero scale, raw features and an SA weight of 1 are choices of FlowConfig with the same guarantees."""
    shapes = [(4, 4, 4), (4, 2, 2), (4, 1, 1)]
    x = features(2, shapes)
    fresh = CSAFlow(shapes, FlowConfig(variant="csflow", hidden_channels=6, subnet_init="zero_gamma", standardize=False))
    fresh.set_feature_statistics(x)
    with torch.no_grad():
        z, log_det = fresh(x)
    # scale 0 in front of default-initialised convolutions: only the fixed permutations act, on raw features
    assert all(torch.equal(torch.sort(a.flatten())[0], torch.sort(b.flatten())[0]) for a, b in zip(x, z))
    assert torch.all(log_det == 0)
    subnets = [m for m in fresh.modules() if type(m).__name__ == "CrossScaleSubnet"]
    assert subnets and all(float(s.gamma.detach()) == 0.0 and s.conv_out[0].weight.abs().sum() > 0 for s in subnets)

    sa = CSAFlow(shapes, FlowConfig(variant="csa", hidden_channels=8, sa_gamma_init=1.0))
    assert [float(m.gamma.detach()) for m in sa.modules() if type(m).__name__ == "SelfAttention2d"] == [1.0] * 16
    with pytest.raises(ValueError, match="initialisation"):
        CSAFlow(shapes, FlowConfig(variant="csflow", hidden_channels=6, subnet_init="glow"))


def test_batch_summed_log_det_trains_and_unknown_reductions_are_refused():
    from core.config import TrainConfig
    from core.training.trainer import fit_flow

    shapes = [(4, 4, 4), (4, 2, 2), (4, 1, 1)]
    x = features(12, shapes)
    flow = CSAFlow(shapes, FlowConfig(variant="csflow", hidden_channels=6))
    flow.set_feature_statistics(x)
    report = fit_flow(flow, x, None, TrainConfig(epochs=2, batch_size=4, logdet_reduction="batch_sum"),
                      torch.device("cpu"))
    assert report.epochs_run == 2 and all(torch.isfinite(torch.tensor(report.train_losses)))
    with pytest.raises(ValueError, match="reduction"):
        fit_flow(flow, x, None, TrainConfig(epochs=1, logdet_reduction="mean"), torch.device("cpu"))


def test_likelihood_fusion_is_cool_where_any_scale_finds_a_position_normal():
    fine, coarse = torch.zeros(1, 4, 4, 4), torch.zeros(1, 4, 2, 2)
    fine[0, :, 0, 0] = 10.0  # unlikely at the fine scale only
    fine[0, :, 3, 3] = 10.0
    coarse[0, :, 1, 1] = 10.0  # ... and at (3, 3) the coarse scale agrees
    heat = likelihood_maps([fine, coarse])
    assert heat.shape == (1, 4, 4)
    assert heat[0, 3, 3] > heat[0, 0, 0] > heat[0, 1, 2]
    assert float(heat.min()) >= 0.0 and float(heat.max()) <= 2.0
    assert torch.equal(grid_maps([fine, coarse], "likelihood"), heat)
    assert torch.equal(grid_maps([fine, coarse], "mean"), position_maps([fine, coarse]))
