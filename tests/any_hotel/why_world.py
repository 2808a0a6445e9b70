"""A fixed world with the names of issue 17's "Why" section (rooms by words, hyphens, `#`, numbers)."""

from __future__ import annotations

from .worlds import Spec

BAYVIEW = "Bayview Inn"
CLIFFSIDE = "Cliffside Resort"
HARBORSIDE = "Harborside Grand Hotel"
KENSINGTON = "Kensington Lofts London"

WHY_SPEC: Spec = {
    # 10 rooms named by words and compounds; a room type with the generic word "Room", one with "Type".
    BAYVIEW: (
        "US",
        {
            "Garden Room": ["Orchid", "Magnolia", "Camellia", "Lotus", "Juniper"],
            "Suite Type A": ["Garden_Loft", "Suite-12", "Tower-East-4", "Loft_Edelweiss", "Willow"],
        },
    ),
    # 14 rooms: seven villas and a room type of seven suites named by words.
    CLIFFSIDE: (
        "US",
        {
            "Villa": [f"villa-{n}" for n in range(1, 8)],
            "Signature Suite": [
                "Presidential",
                "Ambassador",
                "Royal",
                "Regency",
                "Imperial",
                "Sovereign",
                "Monarch",
            ],
        },
    ),
    # 20 numbered rooms (118, 201-211, 305-311) and a penthouse.
    HARBORSIDE: (
        "US",
        {
            "Deluxe King": ["118", *[str(n) for n in range(201, 212)]],
            "Standard Queen": [str(n) for n in range(305, 312)],
            "Penthouse": ["PH#2"],
        },
    ),
    # Numbers that exist at Harborside too, the second penthouse.
    KENSINGTON: (
        "UK",
        {
            "Studio Type B": ["204", "305", "Camden"],
            "Penthouse": ["PH#9"],
        },
    ),
}

# Rooms named like stations, in a world of their own so that they do not turn every "... jazz" request of
# WHY_SPEC into a question about the room Jazz.
STATION_ROOMS_SPEC: Spec = {
    KENSINGTON: ("UK", {"Studio Type B": ["204", "Jazz", "Country"]}),
    HARBORSIDE: ("US", {"Deluxe King": ["204", "205"]}),
}
