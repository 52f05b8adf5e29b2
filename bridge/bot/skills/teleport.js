'use strict'
// teleport(x, z): an intervention on the position (the simulator's reset option `position`): stand on
// the highest block of column (x, z), moved there by the server's /tp. The column must be loaded.

const { Vec3 } = require('vec3')
const { BridgeError } = require('../errors')
const { waitForEvent } = require('../wait')
const { inventoryCounts } = require('./observe')

function inject (bot, config) {
  bot.skills = bot.skills ?? {}

  /** y of the block a body stands on at column (x, z): the highest solid block, from the bot's world view. */
  function groundAt (x, z) {
    const top = bot.game.minY + bot.game.height - 1
    for (let y = top; y >= bot.game.minY; y--) {
      const block = bot.blockAt(new Vec3(x, y, z), false)
      if (block === null) return null // not loaded
      if (block.boundingBox === 'block' && !block.name.includes('leaves')) return y
    }
    return null
  }

  bot.skills.teleport = async ({ x, z }) => {
    if (!Number.isInteger(x) || !Number.isInteger(z)) throw new BridgeError('BadRequest', 'x and z must be integers', { x, z })
    const ground = groundAt(x, z)
    if (ground === null) throw new BridgeError('BadRequest', `column (${x}, ${z}) is not loaded or has no ground`, { x, z })
    const target = new Vec3(x + 0.5, ground + 1, z + 0.5)
    if (bot.currentWindow) bot.closeWindow(bot.currentWindow)
    bot.pathfinder.stop()
    const moved = waitForEvent(bot, 'forcedMove', config.commandTimeoutMs, 'CommandTimeout',
      { what: 'the server to move the bot', command: '/tp', target: target.toArray() },
      () => bot.entity.position.distanceTo(target) < 0.5)
    bot.chat(`/tp ${target.x.toFixed(1)} ${target.y.toFixed(1)} ${target.z.toFixed(1)}`)
    await moved
    const p = bot.entity.position
    return { success: true, reason: 'ok', position: [Math.floor(p.x), Math.floor(p.y), Math.floor(p.z)], inventory: inventoryCounts(bot) }
  }
}

module.exports = { inject }
