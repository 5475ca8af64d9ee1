"""Training glue for the flow on cached features: NLL, Adam, gradient clipping, early stopping."""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field
from typing import Optional, Sequence

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


def _batches(n: int, batch_size: int, generator: Optional[torch.Generator]) -> list[torch.Tensor]:
    order = torch.randperm(n, generator=generator) if generator is not None else torch.arange(n)
    return list(order.split(batch_size))


@torch.no_grad()
def mean_nll(flow: CSAFlow, features: Sequence[torch.Tensor], device: torch.device, batch_size: int = 32) -> float:
    """Average per-dimension NLL of a feature set, in eval mode."""
    flow.eval()
    total, count = 0.0, 0
    for idx in _batches(features[0].shape[0], batch_size, None):
        batch = [f[idx].to(device) for f in features]
        z, log_det = flow(batch)
        total += float(nll_per_dim(z, log_det)) * len(idx)
        count += len(idx)
    return total / max(count, 1)


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
    flow.to(device)
    optimizer = torch.optim.Adam(
        flow.parameters(), lr=config.lr, betas=tuple(config.betas), weight_decay=config.weight_decay
    )
    generator = torch.Generator().manual_seed(config.seed)
    train_on_device = [f.to(device) for f in train_features]
    use_amp = device.type == "cuda"
    report = FitReport(epochs_run=0, best_epoch=0, best_val_loss=None)
    best_state = None
    start = time.monotonic()
    n = train_on_device[0].shape[0]
    if progress is not None:
        progress(ProgressEvent(JobStage.TRAIN, 0, config.epochs, message="starting"))

    for epoch in range(1, config.epochs + 1):
        flow.train()
        epoch_loss, seen = 0.0, 0
        for idx in _batches(n, config.batch_size, generator):
            if cancel is not None and cancel.is_set():
                raise Cancelled("training cancelled")
            idx = idx.to(device)
            batch = [f[idx] for f in train_on_device]
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_amp):
                z, log_det = flow(batch)
            log_det = log_det.float()
            if config.logdet_reduction == "batch_sum":
                log_det = log_det.sum().expand_as(log_det)
            loss = nll_per_dim([t.float() for t in z], log_det)
            loss_value = loss.item()
            if not math.isfinite(loss_value):
                raise FloatingPointError(f"training diverged at epoch {epoch} (loss {loss_value})")
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(flow.parameters(), config.grad_clip)
            optimizer.step()
            epoch_loss += loss_value * len(idx)
            seen += len(idx)
        report.train_losses.append(epoch_loss / seen)
        report.epochs_run = epoch

        val_loss = None
        if val_features is not None and val_features[0].shape[0] > 0:
            val_loss = mean_nll(flow, val_features, device)
            report.val_losses.append(val_loss)
            if report.best_val_loss is None or val_loss < report.best_val_loss:
                report.best_val_loss, report.best_epoch = val_loss, epoch
                best_state = copy.deepcopy(flow.state_dict())
        else:
            report.best_epoch = epoch

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
        if best_state is not None and epoch - report.best_epoch >= config.early_stop_patience:
            report.stopped_early = True
            break
        if config.time_budget_s is not None and elapsed >= config.time_budget_s:
            report.stopped_early = True
            break

    if best_state is not None:
        flow.load_state_dict(best_state)
    flow.eval()
    report.seconds = time.monotonic() - start
    return report
