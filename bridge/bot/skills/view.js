'use strict'
// view(radius, below, above): the blocks around the bot as the bot knows them, for a first-person frame
// drawn on the Python side (prismarine-viewer is not installed): a palette of block kinds and one
// palette index per cell of the box, x-major ((ix * ny + iy) * nz + iz), plus the eye and the look.

const { Vec3 } = require('vec3')
const { BridgeError } = require('../errors')

function inject (bot) {
  bot.skills = bot.skills ?? {}
  const { registry } = bot

  bot.skills.view = async ({ radius = 16, below = 8, above = 12 }) => {
    for (const [name, value] of Object.entries({ radius, below, above })) {
      if (!Number.isInteger(value) || value < 0 || value > 48) throw new BridgeError('BadRequest', `${name} must be an integer in 0..48`, { [name]: value })
    }
    const feet = bot.entity.position.floored()
    const origin = feet.offset(-radius, -below, -radius)
    const size = [2 * radius + 1, below + above + 1, 2 * radius + 1]
    const palette = []
    const index = new Map() // stateId -> palette index
    const cells = new Array(size[0] * size[1] * size[2])
    const pos = new Vec3(0, 0, 0)
    let i = 0
    for (let ix = 0; ix < size[0]; ix++) {
      for (let iy = 0; iy < size[1]; iy++) {
        for (let iz = 0; iz < size[2]; iz++) {
          pos.set(origin.x + ix, origin.y + iy, origin.z + iz)
          const stateId = bot.world.getBlockStateId(pos) ?? 0
          if (!index.has(stateId)) {
            const block = registry.blocksByStateId[stateId]
            index.set(stateId, palette.length)
            palette.push({ name: block?.name ?? 'air', solid: block ? block.boundingBox === 'block' : false })
          }
          cells[i++] = index.get(stateId)
        }
      }
    }
    const p = bot.entity.position
    return {
      origin: origin.toArray(),
      size,
      palette,
      cells,
      eye: [p.x, p.y + bot.entity.eyeHeight, p.z],
      yaw: bot.entity.yaw,
      pitch: bot.entity.pitch
    }
  }
}

module.exports = { inject }
