'use strict'
// World generator for the local test server: a flat arena with oak trees, a sand patch and a stepped
// open pit whose terraces expose coal, iron, gold and diamond ore, so every target of the action
// library is reachable from the surface by walking (no tunnelling through solid stone).
//
// flying-squid loads it by absolute path (settings.generation.name); it is called with
// generation.options plus { registry } and returns (chunkX, chunkZ) => prismarine-chunk column.
// The layout is a pure function of the seed: arenaLayout() is also used by the tests.

const { Vec3 } = require('vec3')
// every block the arena places: the one list, shared with Python (bridge.local_server.arena_blocks)
const ARENA = require('./data/arena.json')

const SURFACE_Y = 64 // grass; dirt below it, then stone, then bedrock
const DIRT_DEPTH = 3
const STONE_DEPTH = 16
const SPAWN = { x: 0, z: 0 }
const PIT = { x: 18, z: 0, radius: 9 } // Chebyshev radius; one-block terraces down to the floor
const SAND = { x: -8, z: -10, radius: 2 }
const TREE_COUNT = 14
const TREE_RING = { inner: 5, outer: 16 }
// Ore exposed on the pit's terraces (data/arena.json), by depth below the surface and how many blocks:
// about what a 1.21 player finds exposed within reach of one spot (a cave wall or a ravine's few blocks of
// each, diamonds rarest): 24 coal, 12 iron, 6 gold, 4 diamond. What is dug is gone; the agent's learning
// spends few of them (issue 17: the scarce targets wait, and one trial with a likely tool verifies a cause).
const ORES = ARENA.ores

/** A small deterministic PRNG (mulberry32): the layout depends on the seed only. */
function prng (seed) {
  let a = (seed >>> 0) || 0x9e3779b9
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Depth of the pit floor below the surface at column (x, z): 0 outside the pit. */
function pitDepth (x, z) {
  const d = Math.max(Math.abs(x - PIT.x), Math.abs(z - PIT.z))
  return d >= PIT.radius ? 0 : PIT.radius - Math.max(d, 1)
}

/** The arena's features for a seed: tree trunks and ore blocks, as plain coordinates. */
function arenaLayout (seed) {
  const rand = prng(seed)
  const trees = []
  let tries = 0
  while (trees.length < TREE_COUNT && tries++ < 1000) {
    const angle = rand() * 2 * Math.PI
    const r = TREE_RING.inner + rand() * (TREE_RING.outer - TREE_RING.inner)
    const x = Math.round(SPAWN.x + r * Math.cos(angle))
    const z = Math.round(SPAWN.z + r * Math.sin(angle))
    const farFromPit = Math.max(Math.abs(x - PIT.x), Math.abs(z - PIT.z)) > PIT.radius + 2
    const farFromSand = Math.max(Math.abs(x - SAND.x), Math.abs(z - SAND.z)) > SAND.radius + 2
    const spaced = trees.every(t => Math.max(Math.abs(t.x - x), Math.abs(t.z - z)) >= 4)
    if (farFromPit && farFromSand && spaced) trees.push({ x, z, height: 4 + Math.floor(rand() * 3) })
  }
  // ore: the top block of a terrace column (standing surface) at a depth in the ore's range
  const taken = new Set()
  const ores = []
  for (const ore of ORES) {
    const columns = []
    for (let x = PIT.x - PIT.radius + 1; x < PIT.x + PIT.radius; x++) {
      for (let z = PIT.z - PIT.radius + 1; z < PIT.z + PIT.radius; z++) {
        const depth = pitDepth(x, z)
        if (depth >= ore.depths[0] && depth <= ore.depths[1] && !taken.has(`${x},${z}`)) columns.push({ x, z, depth })
      }
    }
    for (let i = 0; i < ore.count && columns.length; i++) {
      const [c] = columns.splice(Math.floor(rand() * columns.length), 1)
      taken.add(`${c.x},${c.z}`)
      ores.push({ block: ore.block, x: c.x, y: SURFACE_Y - c.depth, z: c.z })
    }
  }
  return { surfaceY: SURFACE_Y, spawn: { x: SPAWN.x, y: SURFACE_Y + 1, z: SPAWN.z }, pit: PIT, sand: SAND, trees, ores }
}

// The arena's seed is `arenaSeed`: flying-squid replaces a `seed` of 0 by a random one.
function generation ({ registry, arenaSeed }) {
  const Chunk = require('prismarine-chunk')(registry)
  const layout = arenaLayout(Number(arenaSeed) || 0)
  const state = name => {
    const block = registry.blocksByName[name]
    if (!block) throw new Error(`arena: block ${name} is not in Minecraft ${registry.version.minecraftVersion}`)
    return block.defaultState
  }
  const T = ARENA.terrain
  const S = {
    bedrock: state(T.bedrock),
    stone: state(T.stone),
    dirt: state(T.dirt),
    grass: state(T.grass),
    sand: state(T.sand),
    log: state(T.log), // default state: axis=y
    leaves: registry.blocksByName[T.leaves].minStateId + 1 // distance=1, persistent=true: never decays
  }
  // features indexed by chunk so each column generates only what lies in it
  const features = new Map()
  const add = (x, y, z, stateId) => {
    const key = `${x >> 4},${z >> 4}`
    if (!features.has(key)) features.set(key, [])
    features.get(key).push([x, y, z, stateId])
  }
  for (const tree of layout.trees) {
    const top = SURFACE_Y + tree.height
    for (let dy = -1; dy <= 1; dy++) { // canopy from two blocks above the ground up: walkable under it
      const r = dy === 1 ? 1 : 2
      for (let dx = -r; dx <= r; dx++) {
        for (let dz = -r; dz <= r; dz++) {
          if (Math.abs(dx) === r && Math.abs(dz) === r && r === 2) continue // rounded corners
          add(tree.x + dx, top + dy, tree.z + dz, S.leaves)
        }
      }
    }
    for (let y = SURFACE_Y + 1; y <= top; y++) add(tree.x, y, tree.z, S.log)
  }
  for (const ore of layout.ores) add(ore.x, ore.y, ore.z, state(ore.block))

  const plains = registry.biomesByName.plains.id
  const bottom = SURFACE_Y - DIRT_DEPTH - STONE_DEPTH - 1
  return function generateChunk (chunkX, chunkZ) {
    const chunk = new Chunk({ minY: -64, worldHeight: 384 })
    const pos = new Vec3(0, 0, 0)
    for (let lx = 0; lx < 16; lx++) {
      for (let lz = 0; lz < 16; lz++) {
        const x = chunkX * 16 + lx
        const z = chunkZ * 16 + lz
        const top = SURFACE_Y - pitDepth(x, z)
        const inSand = Math.max(Math.abs(x - SAND.x), Math.abs(z - SAND.z)) <= SAND.radius
        pos.x = lx
        pos.z = lz
        for (let y = bottom; y <= top; y++) {
          pos.y = y
          let id = S.stone
          if (y === bottom) id = S.bedrock
          else if (y > SURFACE_Y - DIRT_DEPTH) id = y === top ? (top === SURFACE_Y ? (inSand ? S.sand : S.grass) : S.dirt) : (inSand ? S.sand : S.dirt)
          chunk.setBlockStateId(pos, id)
        }
        for (let y = top + 1; y < top + 24; y++) {
          pos.y = y
          chunk.setSkyLight(pos, 15)
        }
      }
    }
    // plains everywhere (biome 0 is badlands on 1.21.4: clients would tint grass and leaves brown)
    for (let lx = 0; lx < 16; lx += 4) {
      for (let lz = 0; lz < 16; lz += 4) {
        for (let y = -64; y < 320; y += 4) chunk.setBiome(new Vec3(lx, y, lz), plains)
      }
    }
    for (const [x, y, z, id] of features.get(`${chunkX},${chunkZ}`) ?? []) {
      chunk.setBlockStateId(new Vec3(x - chunkX * 16, y, z - chunkZ * 16), id)
    }
    return chunk
  }
}

module.exports = generation
module.exports.arenaLayout = arenaLayout
module.exports.SURFACE_Y = SURFACE_Y
