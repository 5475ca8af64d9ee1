"""CSA-Flow as a FrEIA graph: fixed standardisation, then per block a permutation and a cross-scale coupling."""
from __future__ import annotations

from typing import Sequence

import FrEIA.framework as Ff
import torch
from torch import nn

from core.config import FlowConfig
from core.flow.invertible import CrossScaleCoupling, FixedStandardize, ParallelPermute


class CSAFlow(nn.Module):
    """Maps backbone features at ``n_scales`` scales to standard-normal latents, with log|det J|.

    ``feature_shapes`` are (channels, height, width) per scale, finest first.
    """

    def __init__(self, feature_shapes: Sequence[tuple[int, int, int]], config: FlowConfig):
        super().__init__()
        if len(config.kernel_sizes) != config.n_blocks:
            raise ValueError(f"need one kernel size per block: {config.kernel_sizes} for {config.n_blocks} blocks")
        self.config = config
        self.feature_shapes = [tuple(int(v) for v in s) for s in feature_shapes]
        n = len(self.feature_shapes)
        generator_state = torch.random.get_rng_state()
        torch.manual_seed(config.seed)
        try:
            inputs = [Ff.InputNode(*shape, name=f"scale{s}") for s, shape in enumerate(self.feature_shapes)]
            nodes: list = list(inputs)
            standardize = Ff.Node([(node, 0) for node in inputs], FixedStandardize, {}, name="standardize")
            nodes.append(standardize)
            previous = standardize
            for k in range(config.n_blocks):
                permute = Ff.Node(
                    [(previous, s) for s in range(n)], ParallelPermute, {"seed": config.seed * 1000 + k}, name=f"permute{k}"
                )
                coupling = Ff.Node(
                    [(permute, s) for s in range(n)],
                    CrossScaleCoupling,
                    {
                        "hidden_channels": config.hidden_channels,
                        "kernel_size": config.kernel_sizes[k],
                        "clamp": config.clamp,
                        "leaky_slope": config.leaky_slope,
                        "use_ca": config.use_ca,
                        "use_sa": config.use_sa,
                        "sa_heads": config.sa_heads,
                        "sa_scales": tuple(config.sa_scales),
                        "subnet_init": config.subnet_init,
                        "sa_gamma_init": config.sa_gamma_init,
                    },
                    name=f"coupling{k}",
                )
                nodes += [permute, coupling]
                previous = coupling
            nodes += [Ff.OutputNode([(previous, s)], name=f"z{s}") for s in range(n)]
            self.graph = Ff.GraphINN(nodes, force_tuple_output=True)
        finally:
            torch.random.set_rng_state(generator_state)

    @property
    def standardize(self) -> FixedStandardize:
        # looked up rather than kept as an attribute: a second reference would register the module twice, and
        # the state dict would hold its buffers under two names that share memory, which safetensors refuses
        return next(m for m in self.graph.module_list if isinstance(m, FixedStandardize))

    def set_feature_statistics(self, features: Sequence[torch.Tensor]) -> None:
        """Fix the standardisation from training features (list per scale of N x C x H x W).

        With ``FlowConfig.standardize`` off it stays the identity: the flow sees the raw features, as anomalib's.
        """
        means = [f.mean(dim=(0, 2, 3)) for f in features]
        stds = [f.std(dim=(0, 2, 3)) for f in features]
        if not self.config.standardize:
            means, stds = [torch.zeros_like(m) for m in means], [torch.ones_like(s) for s in stds]
        self.standardize.set_statistics(means, stds)

    def forward(self, features: Sequence[torch.Tensor]) -> tuple[list[torch.Tensor], torch.Tensor]:
        z, log_det = self.graph(list(features), jac=True)
        return list(z), log_det

    def reverse(self, latents: Sequence[torch.Tensor]) -> tuple[list[torch.Tensor], torch.Tensor]:
        x, log_det = self.graph(list(latents), rev=True, jac=True)
        return list(x), log_det
