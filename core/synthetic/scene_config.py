"""What a synthetic photo is drawn from: the scene settings, and the values a rendered photo reports."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np



FOREIGN_BODY_KINDS: tuple[str, ...] = ("wire", "loose_nut", "loose_bolt", "leaf", "rag", "stone")
NUISANCES: tuple[Optional[str], ...] = (None, "lighting", "part_position")
DEFECT_TYPE = "foreign_body"

_GAMMA = 2.2


@dataclass(frozen=True)
class SceneConfig:
    """How photos of the brake unit vary.

    Angles are in degrees. The light azimuth is the direction the light comes from in image coordinates
    (0 = from the right, 90 = from below, 225 = from the top left). Offsets and sizes are fractions of the image
    side. ``seed`` drives the per-photo variation in :func:`generate_dataset` and :func:`generate_batch`;
    ``layout_seed`` picks the surface textures and wear of the unit (another unit of the same type).
    ``nuisance`` renders normal (defect-free) variation that never occurs in the default ranges:

    * ``"lighting"``: a lamp from the opposite side, low and strong, with a heavy colour cast;
    * ``"part_position"``: lever and push rod outside their normal travel.

    Such photos are what a detector trained on the default ranges flags falsely; they exist to exercise the
    reviewer's "not a defect" loop.
    """

    size: int = 256
    seed: int = 0
    layout_seed: int = 0
    light_azimuth_range: tuple[float, float] = (205.0, 245.0)
    light_elevation_range: tuple[float, float] = (42.0, 58.0)
    gain_range: tuple[float, float] = (0.88, 1.12)
    colour_cast: float = 0.03
    illumination_gradient_range: tuple[float, float] = (0.05, 0.25)
    noise_sigma_range: tuple[float, float] = (0.004, 0.012)
    lever_angle_range: tuple[float, float] = (-9.0, 9.0)
    rod_offset_range: tuple[float, float] = (-0.025, 0.025)
    camera_shift: float = 0.008
    camera_rotation: float = 1.0
    foreign_area_range: tuple[float, float] = (0.012, 0.035)
    foreign_kinds: tuple[str, ...] = FOREIGN_BODY_KINDS
    nuisance: Optional[str] = None

    def __post_init__(self) -> None:
        if self.size < 32:
            raise ValueError(f"size must be at least 32 pixels, got {self.size}")
        if self.nuisance not in NUISANCES:
            raise ValueError(f"nuisance must be one of {NUISANCES}, got {self.nuisance!r}")
        unknown = [k for k in self.foreign_kinds if k not in FOREIGN_BODY_KINDS]
        if unknown or not self.foreign_kinds:
            raise ValueError(f"foreign_kinds must be a non-empty subset of {FOREIGN_BODY_KINDS}, got {self.foreign_kinds}")
        low, high = self.foreign_area_range
        if not 0.0 < low <= high < 0.2:
            raise ValueError(f"foreign_area_range must satisfy 0 < low <= high < 0.2, got {self.foreign_area_range}")


@dataclass(frozen=True)
class RenderedScene:
    """One photo, its foreign-body mask, and the values it was drawn with (useful for checks and captions)."""

    image: np.ndarray  # uint8 RGB, size x size x 3
    mask: np.ndarray  # uint8, 0 or 255, size x size
    foreign_kind: Optional[str]
    lever_angle: float  # degrees from the rest position
    rod_offset: float
    light_azimuth: float
    light_elevation: float
    light_colour: tuple[float, float, float]
    gain: float

