"""Small HTTP helpers shared by the apps."""

from __future__ import annotations

MAX_FILENAME = 150


def attachment(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition value whose file name cannot break out of its quotes, carry
    a path or fail to encode as a header: anything but ASCII letters, digits, ``-``,
    ``_`` and ``.`` becomes ``_``.

    >>> attachment('exhibit "7"/../x.pdf')
    'attachment; filename="exhibit__7__.._x.pdf"'
    >>> attachment("ảnh chụp.png", inline=True)
    'inline; filename="_nh_ch_p.png"'
    """
    safe = "".join(c if (c.isascii() and c.isalnum()) or c in "-_." else "_" for c in filename)[
        :MAX_FILENAME
    ]
    return f'{"inline" if inline else "attachment"}; filename="{safe or "download"}"'
