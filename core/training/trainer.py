"""Training glue for the flow on cached features: NLL, Adam, gradient clipping, early stopping.

The pieces of the loop (mini-batches, one epoch, the held-out loss) take the loss as a function, so a flow with
another loss (the benchmark's anomalib CS-Flow) trains by exactly the same recipe.
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import torch

from core.config import TrainConfig
from core.flow.loss import nll_per_dim
from core.flow.torch_model import CSAFlow
from core.results import Cancelled, CancelToken, ProgressCallback, ProgressEvent
from core.vocabulary import JobStage


@dataclass
class FitReport:
    epochs_run: int
    best_epoch: int
    best_val_loss: Optional[float]
    train_losses: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    seconds: float = 0.0
    stopped_early: bool = False


#: A training loss from what a flow returns: its latents (one tensor per scale) and log-determinants.
LossFunction = Callable[[Sequence[torch.Tensor], torch.Tensor], torch.Tensor]


def mini_batches(n: int, batch_size: int, generator: Optional[torch.Generator]) -> list[torch.Tensor]:
    """Indices of ``n`` samples in batches of ``batch_size``: shuffled by ``generator``, in order without one."""
    order = torch.randperm(n, generator=generator) if generator is not None else torch.arange(n)
    return list(order.split(batch_size))


def adam_for(flow: torch.nn.Module, config: TrainConfig) -> torch.optim.Adam:
    return torch.optim.Adam(flow.parameters(), lr=config.lr, betas=tuple(config.betas), weight_decay=config.weight_decay)


@torch.no_grad()
def mean_loss(flow: torch.nn.Module, features: Sequence[torch.Tensor], device: torch.device, loss_of: LossFunction,
              batch_size: int = 32) -> float:
    """Average of ``loss_of`` over a feature set, in eval mode (the held-out loss that early stopping watches)."""
    flow.eval()
    total, count = 0.0, 0
    for idx in mini_batches(features[0].shape[0], batch_size, None):
        z, log_det = flow([f[idx].to(device) for f in features])
        total += float(loss_of(z, log_det)) * len(idx)
        count += len(idx)
    return total / max(count, 1)


def mean_nll(flow: CSAFlow, features: Sequence[torch.Tensor], device: torch.device, batch_size: int = 32) -> float:
    """Average per-dimension NLL of a feature set, in eval mode."""
    return mean_loss(flow, features, device, nll_per_dim, batch_size)


class BestEpoch:
    """The weights of the epoch with the lowest held-out loss, and whether ``patience`` epochs passed since.

    Without a held-out loss every epoch counts as the best one and nothing is kept: training runs its course.
    """

    def __init__(self, flow: torch.nn.Module, patience: int):
        self.flow, self.patience = flow, patience
        self.epoch = 0
        self.loss: Optional[float] = None
        self.state: Optional[dict] = None

    def update(self, epoch: int, held_out_loss: Optional[float]) -> None:
        if held_out_loss is None:
            self.epoch = epoch
        elif self.loss is None or held_out_loss < self.loss:
            self.loss, self.epoch = held_out_loss, epoch
            self.state = copy.deepcopy(self.flow.state_dict())

    def out_of_patience(self, epoch: int) -> bool:
        return self.state is not None and epoch - self.epoch >= self.patience

    def restore(self) -> None:
        """Put the kept weights back (if any) and leave the flow in eval mode."""
        if self.state is not None:
            self.flow.load_state_dict(self.state)
        self.flow.eval()


def train_epoch(
    flow: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    features: Sequence[torch.Tensor],
    config: TrainConfig,
    generator: torch.Generator,
    device: torch.device,
    loss_of: LossFunction,
    epoch: int,
    cancel: Optional[CancelToken] = None,
    name: str = "training",
) -> float:
    """One pass over ``features`` (already on ``device``) in shuffled mini-batches; returns the mean loss.

    bf16 autocast on CUDA, the loss in float32, gradients clipped at ``config.grad_clip``. A loss that is not
    finite raises :class:`FloatingPointError` naming ``name`` and the epoch; ``cancel`` is checked per batch.
    """
    flow.train()
    use_amp = device.type == "cuda"
    epoch_loss, seen = 0.0, 0
    for idx in mini_batches(features[0].shape[0], config.batch_size, generator):
        if cancel is not None and cancel.is_set():
            raise Cancelled("training cancelled")
        idx = idx.to(device)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_amp):
            z, log_det = flow([f[idx] for f in features])
        loss = loss_of([t.float() for t in z], log_det.float())
        loss_value = loss.item()
        if not math.isfinite(loss_value):
            raise FloatingPointError(f"{name} diverged at epoch {epoch} (loss {loss_value})")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(flow.parameters(), config.grad_clip)
        optimizer.step()
        epoch_loss += loss_value * len(idx)
        seen += len(idx)
    return epoch_loss / seen


def fit_flow(
    flow: CSAFlow,
    train_features: Sequence[torch.Tensor],
    val_features: Optional[Sequence[torch.Tensor]],
    config: TrainConfig,
    device: torch.device,
    progress: Optional[ProgressCallback] = None,
    cancel: Optional[CancelToken] = None,
) -> FitReport:
    """Fit ``flow`` in place; keeps the weights of the epoch with the lowest held-out NLL.

    Without held-out features the last epoch is kept and no early stop happens.
    """
    if config.logdet_reduction not in ("per_image", "batch_sum"):
        raise ValueError(f"unknown log-determinant reduction {config.logdet_reduction!r}; use 'per_image' or 'batch_sum'")

    def loss_of(z: Sequence[torch.Tensor], log_det: torch.Tensor) -> torch.Tensor:
        if config.logdet_reduction == "batch_sum":
            log_det = log_det.sum().expand_as(log_det)
        return nll_per_dim(z, log_det)

    flow.to(device)
    optimizer = adam_for(flow, config)
    generator = torch.Generator().manual_seed(config.seed)
    train_on_device = [f.to(device) for f in train_features]
    report = FitReport(epochs_run=0, best_epoch=0, best_val_loss=None)
    best = BestEpoch(flow, config.early_stop_patience)
    start = time.monotonic()
    if progress is not None:
        progress(ProgressEvent(JobStage.TRAIN, 0, config.epochs, message="starting"))

    for epoch in range(1, config.epochs + 1):
        report.train_losses.append(train_epoch(flow, optimizer, train_on_device, config, generator, device, loss_of,
                                               epoch, cancel))
        report.epochs_run = epoch

        val_loss = None
        if val_features is not None and val_features[0].shape[0] > 0:
            val_loss = mean_nll(flow, val_features, device)
            report.val_losses.append(val_loss)
        best.update(epoch, val_loss)
        report.best_val_loss, report.best_epoch = best.loss, best.epoch

        elapsed = time.monotonic() - start
        if progress is not None:
            progress(
                ProgressEvent(
                    JobStage.TRAIN, epoch, config.epochs, loss=report.train_losses[-1],
                    eta_s=elapsed / epoch * (config.epochs - epoch),
                    message=f"epoch {epoch}/{config.epochs}",
                    extra={"val_loss": val_loss},
                )
            )
        if best.out_of_patience(epoch):
            report.stopped_early = True
            break
        if config.time_budget_s is not None and elapsed >= config.time_budget_s:
            report.stopped_early = True
            break

    best.restore()
    report.seconds = time.monotonic() - start
    return report
