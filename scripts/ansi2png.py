#!/usr/bin/env python3
"""Render a `tmux capture-pane -e -p` capture (text with SGR colour escapes) as a PNG.

Used to make the README's screenshots and to look at the explorer's colours; not a runtime
dependency. Braille cells are drawn as dots and ▀ half blocks as two rectangles, so the picture
does not depend on the font having those glyphs.

    tmux -L s capture-pane -e -p > screen.ans
    python3 scripts/ansi2png.py screen.ans screen.png
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

CELL_W, CELL_H = 8, 16
DEFAULT_FG = (220, 220, 220)
DEFAULT_BG = (24, 24, 24)
BASIC = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
         (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0),
         (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
LEVELS = [0, 95, 135, 175, 215, 255]


def xterm(n):
    if n < 16:
        return BASIC[n]
    if n >= 232:
        v = 8 + 10 * (n - 232)
        return (v, v, v)
    n -= 16
    return (LEVELS[n // 36], LEVELS[(n // 6) % 6], LEVELS[n % 6])


def parse(text):
    """Yields rows of (char, fg, bg, bold, reverse)."""
    rows = []
    fg, bg, bold, rev = None, None, False, False
    for line in text.split("\n"):
        row = []
        i = 0
        while i < len(line):
            m = re.match(r"\x1b\[([0-9;]*)m", line[i:])
            if m:
                codes = [int(c) if c else 0 for c in m.group(1).split(";")]
                j = 0
                while j < len(codes):
                    c = codes[j]
                    if c == 0:
                        fg, bg, bold, rev = None, None, False, False
                    elif c == 1:
                        bold = True
                    elif c == 22:
                        bold = False
                    elif c == 7:
                        rev = True
                    elif c == 27:
                        rev = False
                    elif 30 <= c <= 37:
                        fg = BASIC[c - 30]
                    elif 90 <= c <= 97:
                        fg = BASIC[c - 90 + 8]
                    elif 40 <= c <= 47:
                        bg = BASIC[c - 40]
                    elif 100 <= c <= 107:
                        bg = BASIC[c - 100 + 8]
                    elif c == 39:
                        fg = None
                    elif c == 49:
                        bg = None
                    elif c in (38, 48) and j + 1 < len(codes):
                        if codes[j + 1] == 5:
                            col = xterm(codes[j + 2])
                            j += 2
                        else:
                            col = tuple(codes[j + 2:j + 5])
                            j += 4
                        if c == 38:
                            fg = col
                        else:
                            bg = col
                    j += 1
                i += len(m.group(0))
                continue
            if line[i] == "\x1b":  # another escape: skip it
                m = re.match(r"\x1b[\[\]()][0-9;?]*[A-Za-z]?", line[i:])
                i += len(m.group(0)) if m else 1
                continue
            row.append((line[i], fg, bg, bold, rev))
            i += 1
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def render(rows, width, out):
    height = len(rows)
    img = Image.new("RGB", (width * CELL_W, height * CELL_H), DEFAULT_BG)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 13)
    bold_font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf", 13)
    bits = [(0, 0, 0x01), (0, 1, 0x02), (0, 2, 0x04), (1, 0, 0x08), (1, 1, 0x10), (1, 2, 0x20),
            (0, 3, 0x40), (1, 3, 0x80)]
    for y, row in enumerate(rows):
        for x, (ch, fg, bg, bold, rev) in enumerate(row[:width]):
            f = fg or DEFAULT_FG
            b = bg or DEFAULT_BG
            if rev:
                f, b = b, f
            x0, y0 = x * CELL_W, y * CELL_H
            draw.rectangle([x0, y0, x0 + CELL_W - 1, y0 + CELL_H - 1], fill=b)
            code = ord(ch)
            if ch == "▀":
                draw.rectangle([x0, y0, x0 + CELL_W - 1, y0 + CELL_H // 2 - 1], fill=f)
            elif 0x2800 < code < 0x2900:
                mask = code - 0x2800
                for dx, dy, bit in bits:
                    if mask & bit:
                        cx, cy = x0 + 2 + dx * 4, y0 + 2 + dy * 4
                        draw.rectangle([cx, cy, cx + 1, cy + 1], fill=f)
            elif ch != " ":
                draw.text((x0, y0 + 1), ch, font=bold_font if bold else font, fill=f)
    img.save(out)


def main():
    text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    rows = parse(text)
    width = max(len(r) for r in rows)
    render(rows, width, sys.argv[2])


if __name__ == "__main__":
    main()
