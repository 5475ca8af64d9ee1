"""Full camera frames of the synthetic brake unit: the size real inspection cameras deliver (2064 x 1544 and more).

A foreign body that covers 2 % of such a frame's long side is what the engine's tiling is for (squeezed whole
into a 384 px input it would shrink to a few pixels). Rendering a scene at the frame's size would take seconds per
frame, so the scene is rendered small, enlarged to the frame's height, and its sides are filled by mirroring the
scene without the body: the frame keeps camera proportions and the body its share of the long side, which is what
scoring sees.
"""
from __future__ import annotations

import cv2
import numpy as np

from core.synthetic.scene import render_scene
from core.synthetic.scene_config import SceneConfig

#: the frame of the CSA-Flow paper's braking-device photos (HSRBD)
CAMERA_FRAME = (2064, 1544)
#: side of the square render that is enlarged to the frame's height (4x for a 2064 x 1544 frame)
RENDER_SIDE = 386


def camera_frame(index: int, foreign_body: bool, size: tuple[int, int] = CAMERA_FRAME, body_share: float = 0.02,
                 render_side: int = RENDER_SIDE, series: int = 2064) -> tuple[np.ndarray, np.ndarray]:
    """A landscape frame (RGB uint8, ``size`` = width x height) and its foreign-body mask.

    ``body_share``: the side of a square of the body's area, as a share of the frame's long side. ``index`` and
    ``series`` seed the scene, so a frame is the same on every machine, and the same index with and without
    ``foreign_body`` differs only where the body lies.
    """
    width, height = size
    if width < height:
        raise ValueError(f"a camera frame is landscape, got {width} x {height}")
    area = (body_share * width / height) ** 2  # the body's area as a share of the square render
    config = SceneConfig(size=render_side, foreign_area_range=(area, area))
    image, mask = render_scene(np.random.default_rng([series, index]), config, foreign_body)
    left = (width - height) // 2
    right = width - height - left
    centre = cv2.resize(image, (height, height), interpolation=cv2.INTER_LINEAR)
    if foreign_body:
        # the sides mirror the same scene without the body: a body near the square's edge must not be mirrored
        # into a second, unmarked one
        clean = render_scene(np.random.default_rng([series, index]), config, False)[0]
        frame = cv2.copyMakeBorder(cv2.resize(clean, (height, height), interpolation=cv2.INTER_LINEAR),
                                   0, 0, left, right, cv2.BORDER_REFLECT)
        frame[:, left:left + height] = centre
    else:
        frame = cv2.copyMakeBorder(centre, 0, 0, left, right, cv2.BORDER_REFLECT)
    mask = cv2.resize(mask.astype(np.uint8), (height, height), interpolation=cv2.INTER_NEAREST)
    mask = cv2.copyMakeBorder(mask, 0, 0, left, right, cv2.BORDER_CONSTANT, value=0)
    return frame, mask > 0
