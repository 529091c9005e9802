"""Write customers.csv: a made-up customer list with duplicate sign-ups, for the README's
matching example (`wardbridge match` on a table that is not one of wardbridge's registries).

    uv run python docs/examples/make_customers.py      # deterministic: same bytes every time

`true_customer` says which rows are the same customer; the spec ignores it, the test uses it.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

FIRST = ["Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kara", "Liam", "Maya", "Noah",
         "Olga", "Pavel", "Quinn", "Rosa", "Sam", "Tara", "Umar", "Vera", "Will", "Xenia", "Yusuf", "Zoe"]
LAST = ["Smith", "Jones", "Garcia", "Müller", "Rossi", "Novak", "Kowalski", "Silva", "Dubois", "Jensen", "Nguyen", "Kim",
        "Brown", "Taylor", "Wilson", "Martin", "Lopez", "Schmidt", "Moreau", "Costa"]
CITIES = ["Lyon", "Porto", "Gdańsk", "Leeds", "Graz", "Aarhus", "Turin", "Ghent"]


def main(path: Path = Path(__file__).with_name("customers.csv"), customers: int = 1500, seed: int = 3) -> None:
    rnd = random.Random(seed)
    rows = []
    for i in range(customers):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        born = dt.date(1945, 1, 1) + dt.timedelta(days=rnd.randrange(25000))
        row = {
            "customer_id": f"C{i:05d}",
            "name": f"{first} {last}",
            "email": f"{first}.{last}{i}@example.org".lower(),  # addresses are unique
            "phone": f"+33 6 {rnd.randrange(10**8):08d}",
            "birth_date": born.isoformat(),
            "city": rnd.choice(CITIES),
            "true_customer": f"C{i:05d}",
        }
        rows.append(row)
        if rnd.random() < 0.15:  # signed up again: a typo, another email or phone, a swapped date
            dup = dict(row, customer_id=f"C{i:05d}-{rnd.randrange(10)}")
            slip = rnd.randrange(4)
            if slip == 0:
                j = rnd.randrange(1, len(first))
                dup["name"] = f"{first[:j]}{rnd.choice('aeiou')}{first[j + 1:]} {last}"
            elif slip == 1:
                dup["email"] = f"{first[0]}{last}@mail.example".lower()
            elif slip == 2:
                dup["phone"] = ""
                dup["name"] = dup["name"].upper()
            elif born.day <= 12:
                dup["birth_date"] = dt.date(born.year, born.day, born.month).isoformat()
            rows.append(dup)
    rnd.shuffle(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()
