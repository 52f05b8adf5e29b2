"""The arena places exactly the blocks of its data file (bridge/server/data/arena.json), the one list the
live env's ground truth is computed over."""

from __future__ import annotations

import json
import subprocess

import pytest

from bridge.local_server import arena_blocks
from bridge.process import BRIDGE_DIR, minecraft_version, node_command

pytestmark = pytest.mark.live

# every block of the chunks around the arena (trees within 18 blocks of the spawn, the pit up to x = 27)
SCAN = """
const registry = require('prismarine-registry')(process.argv[1])
const generate = require('./server/arena.js')({ registry, arenaSeed: Number(process.argv[2]) })
const { Vec3 } = require('vec3')
const names = new Set()
for (let cx = -3; cx <= 2; cx++) for (let cz = -3; cz <= 2; cz++) {
  const chunk = generate(cx, cz)
  for (let x = 0; x < 16; x++) for (let z = 0; z < 16; z++) {
    for (let y = 40; y < 80; y++) names.add(chunk.getBlock(new Vec3(x, y, z)).name)
  }
}
console.log(JSON.stringify([...names]))
"""


@pytest.mark.parametrize("seed", [0, 7])
def test_the_arena_places_exactly_the_blocks_of_its_data_file(seed):
    node = node_command("server/arena.js")[0]
    out = subprocess.run(
        [node, "-e", SCAN, minecraft_version(), str(seed)], cwd=BRIDGE_DIR, capture_output=True, text=True, check=True
    )
    assert set(json.loads(out.stdout)) - {"air"} == arena_blocks()
