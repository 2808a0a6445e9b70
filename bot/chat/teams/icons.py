"""Draws the Teams app icons (committed under teams/; rerun `python -m bot.chat.teams.icons` to
redraw).

Teams wants a 192x192 full-colour icon and a 32x32 outline icon that is white on a transparent
background. The mark is a ring with a speech tail: an Alexa-style ring that talks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from PIL import Image, ImageDraw

COLOR_SIZE: Final = 192
OUTLINE_SIZE: Final = 32
BRAND: Final = (15, 108, 189, 255)  # Teams-friendly blue
WHITE: Final = (255, 255, 255, 255)
SUPERSAMPLE: Final = 8  # draw large and shrink, for smooth edges


def _mark(
    size: int, background: tuple[int, int, int, int] | None, ring_ratio: float
) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if background is not None:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 6, fill=background)
    margin = big * (0.5 - ring_ratio / 2)
    box = (margin, margin, big - margin, big - margin)
    width = max(int(big * ring_ratio * 0.16), SUPERSAMPLE * 2)
    draw.ellipse(box, outline=WHITE, width=width)
    # the speech tail under the ring's lower left
    x0, y1 = box[0] + (box[2] - box[0]) * 0.12, box[3]
    draw.polygon(
        [
            (x0, y1 - width * 2.2),
            (x0 + width * 2.2, y1 - width * 0.6),
            (x0 - width * 0.4, y1 + width * 0.6),
        ],
        fill=WHITE,
    )
    return image.resize((size, size), Image.Resampling.LANCZOS)


def draw_icons(out_dir: Path) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    color = out_dir / "color.png"
    outline = out_dir / "outline.png"
    _mark(COLOR_SIZE, BRAND, ring_ratio=0.56).save(color)
    _mark(OUTLINE_SIZE, None, ring_ratio=0.78).save(outline)
    return color, outline


if __name__ == "__main__":
    for path in draw_icons(Path(__file__).resolve().parents[3] / "teams"):
        print(path)
