"""The ids the emulator gives organization-side resources (settlements, the balance, invoices)."""

from __future__ import annotations

from .store import Settlement, World

BALANCE_ROW = 0


def settlement_id(world: World, s: Settlement) -> str:
    return world.codec("stl_").encode(s.index)


def find_settlement(world: World, ident: object) -> Settlement | None:
    idx = world.codec("stl_").decode(ident)
    if idx is None or idx >= len(world.settlements):
        return None
    return world.settlements[idx]


def settlement_id_of_row(world: World, index: int) -> str | None:
    """A line's settlement id, once that settlement is closed (its period has ended)."""
    if index < 0 or world.settlements[index].end > world.now:
        return None
    return settlement_id(world, world.settlements[index])


def balance_id(world: World, balance: int = BALANCE_ROW) -> str:
    return world.codec("bal_").encode(balance)


def find_balance(world: World, ident: str) -> int | None:
    """The balance index of `ident` ("primary" is 0), or None."""
    if ident == "primary":
        return BALANCE_ROW
    index = world.codec("bal_").decode(ident)
    return index if index is not None and index <= len(world.books) else None


def invoice_id(world: World, index: int) -> str:
    return world.codec("inv_").encode(index)
