"""Exploring when a target is out of reach: a square spiral of movements."""

from __future__ import annotations

from collections.abc import Sequence


def explore_move(moves: Sequence[str], detour: int) -> str:
    """The ``detour``-th move of a square spiral whose legs double (1, 1, 2, 2, 4, 4, ... moves between
    right turns), so repeated detours sweep ever wider ground, also from a corner of the world."""
    turn = "turn_right" if "turn_right" in moves else moves[-1]
    forward = "move_forward" if "move_forward" in moves else moves[0]
    i, leg = 0, 1
    while True:
        for _ in range(2):
            if detour < i + leg:
                return forward
            if detour == i + leg:
                return turn
            i += leg + 1
        leg *= 2
