"""A nearest-neighbour memory of normal patches: the fine heatmap next to the flow's image score.

The flow reads the stride-32 stage, whose 12 x 12 grid at 384 px is too coarse to say *where* a small foreign body
is. The finer stages of the same backbone pass (stride 8 and 16) see it, but a flow on them costs many times the
CPU time. Here their maps are pooled over a 3 x 3 neighbourhood (each patch sees a little context), brought to the
stride-16 grid, stacked and shrunk by a fixed random projection (distances are kept up to a few per cent), and
every training patch is a candidate for a memory of normal appearance. A greedy k-centre selection keeps the
patches that cover the training set's variety, so rare but normal details stay in while repeated ones are stored
once. A test patch's anomaly level is its distance to the nearest stored patch: no training epochs, and a
foreign body lights up the cells it covers.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator, Optional, Sequence

import torch
import torch.nn.functional as F

from core.config import PATCH_BORDERS

#: patches scored against the memory at once, and memory rows compared with them at once: the distance matrix of
#: 2048 x 2048 floats stays in cache, where one over the whole memory (12,000 rows) would not (measured: 24 ms
#: against 40 ms per 24 x 24 photo for a memory of 20,000)
_CHUNK = 2048
#: leading projected dimensions the k-centre selection compares on (a projection of a projection; fast, in cache)
_SELECT_DIMS = 32


def projection_matrix(in_dim: int, out_dim: int, seed: int = 0) -> torch.Tensor:
    """A fixed Gaussian random projection (Johnson-Lindenstrauss), ``in_dim`` x ``out_dim``; identity if not smaller."""
    if out_dim <= 0 or out_dim >= in_dim:
        return torch.eye(in_dim)
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(in_dim, out_dim, generator=generator) / out_dim**0.5


def stage_weights(channels: Sequence[int], grid_index: int) -> list[float]:
    """A weight per stage, ``sqrt(channels of the grid's stage / channels of the stage)``.

    A patch's distance sums squared differences over all channels, so unweighted, a stage counts in proportion to
    its channel count: stride 8 (40 channels) had a fifth of the say of the two stride-16 stages (80 + 112), and
    it is the stage that resolves a thin cut or a small hole. Each stage weighted by one over the square root of
    its channels counts about as much as any other. Measured on cached features with the default memory and
    smoothing, three seeds of split, projection and selection: the hottest spot landed on the defect for 80 to 83 %
    of the defective tire photos against 78 to 79 % unweighted, AUPRO rose a little; on magnetic_tile (one seed)
    no column moved by more than 0.002. Weights from each stage's mean feature length on the training photos
    pointed a little worse on tire, and scaling every position to unit length (losing the feature's strength)
    much worse.
    """
    return [(channels[grid_index] / c) ** 0.5 for c in channels]


def patch_projection(channels: Sequence[int], grid_index: int, out_dim: int, balance: bool = True,
                     seed: int = 0) -> torch.Tensor:
    """The projection applied to the stacked stages: the stage weights (``balance``) folded into the random one.

    Folding them in keeps scoring exactly as fast, and the model file, which stores the projection, reproduces the
    embedding its memory was made with whatever the defaults become later.
    """
    projection = projection_matrix(sum(channels), out_dim, seed)
    if not balance:
        return projection
    rows = torch.cat([torch.full((c,), w) for c, w in zip(channels, stage_weights(channels, grid_index))])
    return (rows[:, None] * projection).contiguous()


def patch_embedding(maps: Sequence[torch.Tensor], grid_index: int, projection: Optional[torch.Tensor],
                    border: str = "zeros") -> torch.Tensor:
    """Stage maps (finest first) to one embedding map N x D x h x w on the grid of ``maps[grid_index]``.

    Each map is averaged over 3 x 3 positions first, then finer maps are area-pooled and coarser ones bilinearly
    upsampled to the grid, as PatchCore does with its two ResNet stages.

    ``border`` (:attr:`core.config.MapConfig.patch_border`): ``"zeros"`` divides every 3 x 3 sum by 9, the
    positions outside the map counting as zeros, so a border patch is as steady as an inner one; ``"inside"``
    averages only the positions inside the map (model files made before ``"zeros"``). Averaging 4 or 6 values
    instead of 9 leaves a border patch noisier than any inner one, and the border then outglows small foreign
    bodies: on the tire set a fifth of the defective photos had their hottest cell on the map's outer ring
    (pointing 0.56 against 0.76 with ``"zeros"``, same features and memory).
    """
    if border not in PATCH_BORDERS:
        raise ValueError(f"patch border must be one of {PATCH_BORDERS}, got {border!r}")
    size = maps[grid_index].shape[-2:]
    parts = []
    for m in maps:
        m = F.avg_pool2d(m.float(), 3, stride=1, padding=1, count_include_pad=border == "zeros")
        if m.shape[-2:] != size:
            if m.shape[-1] > size[-1]:
                m = F.adaptive_avg_pool2d(m, size)
            else:
                m = F.interpolate(m, size=size, mode="bilinear", align_corners=False)
        parts.append(m)
    stacked = torch.cat(parts, dim=1)
    if projection is None:
        return stacked.contiguous()
    projection = projection.to(stacked.device, stacked.dtype)
    # one photo at a time: a matrix product's rounding depends on its row count, and a photo must score the same
    # alone or in a batch (a threshold set exactly at a photo's score must still flag it)
    return torch.stack([torch.einsum("dhw,dk->khw", one, projection) for one in stacked]).contiguous()


def _rows(embeddings: torch.Tensor) -> torch.Tensor:
    return embeddings.permute(0, 2, 3, 1).reshape(-1, embeddings.shape[1])


@contextmanager
def _one_thread() -> Iterator[None]:
    """Run small sequential tensor steps on one thread.

    Each step of the greedy selection touches only some 40,000 values, too few to share between threads; with
    several, every step waits for them all, and on a CPU that other work keeps busy that wait grows to many
    times the step (measured: 10 s with 2 threads against 1.9 s with one for 3,000 centres while the 2 cores
    were busy).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def greedy_centres(points: torch.Tensor, count: int, seed: int = 0) -> torch.Tensor:
    """Indices of ``count`` points chosen by greedy k-centre selection (each new one farthest from those chosen)."""
    n = points.shape[0]
    count = max(1, min(count, n))
    x = points[:, :_SELECT_DIMS].float().contiguous()
    sq = (x * x).sum(1)
    first = int(torch.randint(n, (1,), generator=torch.Generator().manual_seed(seed)))
    chosen = [first]
    nearest = (sq - 2 * (x @ x[first]) + sq[first]).clamp_min_(0)
    with _one_thread():
        for _ in range(count - 1):
            i = int(torch.argmax(nearest))
            chosen.append(i)
            torch.minimum(nearest, sq - 2 * (x @ x[i]) + sq[i], out=nearest)
    return torch.tensor(chosen, dtype=torch.long)


class PatchMemory:
    """Normal patch embeddings (``bank``, K x D) and the projection that made them; scores by nearest distance."""

    def __init__(self, bank: torch.Tensor, projection: torch.Tensor):
        self.bank = bank.float().contiguous()
        self.projection = projection.float().contiguous()
        self._bank_sq = (self.bank * self.bank).sum(1)

    @classmethod
    def fit(cls, embeddings: torch.Tensor, projection: torch.Tensor, share: float, max_size: int,
            candidates: int, seed: int = 0, min_size: int = 1) -> "PatchMemory":
        """Keep ``share`` of the patches of ``embeddings`` (N x D x h x w), chosen greedily.

        At least ``min_size`` (or all of them), at most ``max_size``: a few training photos have few patches, and
        a share of them too small a memory, so normal detail that the selection left out would glow.

        The selection runs on a random sample of at most ``candidates`` patches, which bounds its time (it grows
        with candidates x memory size) whatever the number of training photos.
        """
        rows = _rows(embeddings)
        size = max(1, min(max(int(round(share * rows.shape[0])), int(min_size)), int(max_size), rows.shape[0]))
        generator = torch.Generator().manual_seed(seed)
        if rows.shape[0] > candidates:
            rows = rows[torch.randperm(rows.shape[0], generator=generator)[:candidates]]
        return cls(rows[greedy_centres(rows, size, seed)].clone(), projection)

    def extended(self, embeddings: torch.Tensor, share: float, max_new: int, candidates: int,
                 seed: int = 0) -> "PatchMemory":
        """This memory plus the patches of new normal photos that it does not cover yet (for improving a model).

        The new photos' patches farthest from the memory come first, so a new kind of normal appearance that a
        reviewer confirmed is stored, while patches the memory already knows add nothing.
        """
        rows = _rows(embeddings)
        generator = torch.Generator().manual_seed(seed)
        if rows.shape[0] > candidates:
            rows = rows[torch.randperm(rows.shape[0], generator=generator)[:candidates]]
        size = max(1, min(int(round(share * rows.shape[0])), int(max_new)))
        far = torch.argsort(self._nearest(rows), descending=True)[:size]
        return PatchMemory(torch.cat([self.bank, rows[far]]), self.projection)

    def _nearest(self, rows: torch.Tensor) -> torch.Tensor:
        bank = self.bank.to(rows.device)
        bank_sq = self._bank_sq.to(rows.device)
        out = []
        for start in range(0, rows.shape[0], _CHUNK):
            chunk = rows[start : start + _CHUNK].float()
            nearest = None
            for first in range(0, bank.shape[0], _CHUNK):
                # |a - b|^2 = |a|^2 + (|b|^2 - 2 a.b): the bracket in one fused product, |a|^2 added after the
                # minimum, so only one pass goes over each chunk x memory block (the head's largest cost)
                block = slice(first, first + _CHUNK)
                d = torch.addmm(bank_sq[None, block], chunk, bank[block].T, alpha=-2).min(dim=1).values
                nearest = d if nearest is None else torch.minimum(nearest, d, out=nearest)
            out.append(nearest.add_((chunk * chunk).sum(1)).clamp_min_(0).sqrt_())
        return torch.cat(out) if out else rows.new_zeros(0)

    def distance_maps(self, embeddings: torch.Tensor) -> torch.Tensor:
        """Distance of every patch to its nearest normal patch: N x h x w.

        Photo by photo, so a photo's map does not depend on the batch it came in (see :func:`patch_embedding`).
        """
        n, _, h, w = embeddings.shape
        if n == 0:
            return embeddings.new_zeros((0, h, w))
        return torch.stack([self._nearest(_rows(one[None])).reshape(h, w) for one in embeddings])

    def tensors(self) -> dict[str, torch.Tensor]:
        """What the model file stores (see :meth:`from_tensors`)."""
        return {"patch_memory.bank": self.bank.cpu(), "patch_memory.projection": self.projection.cpu()}

    @classmethod
    def from_tensors(cls, tensors: dict[str, torch.Tensor]) -> Optional["PatchMemory"]:
        if "patch_memory.bank" not in tensors:
            return None
        return cls(tensors["patch_memory.bank"], tensors["patch_memory.projection"])

    def __len__(self) -> int:
        return int(self.bank.shape[0])
