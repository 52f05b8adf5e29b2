'use strict'
// Picking up dropped items: walk next to each item entity near a spot and wait until the server hands it
// over (the entity disappears). Drops that cannot be reached in time are left, and counted.

const { goals } = require('mineflayer-pathfinder')
const { walkMovements } = require('../connect')
const { withTimeout, waitForEvent } = require('../wait')

const PICKUP_RANGE = 1.5 // the server hands an item over within ~1.75 blocks of the feet; walk a bit closer

function inject (bot, config) {
  bot.skills = bot.skills ?? {}

  const isItem = entity => entity && (entity.name === 'item' || entity.name === 'item_stack')
  const itemsNear = (position, radius) =>
    Object.values(bot.entities).filter(e => isItem(e) && e.position.distanceTo(position) <= radius)

  /**
   * Wait (at most `settleMs`) for the drops of a block broken at `position` to appear, when some are
   * expected. Resolves with the item entities near it.
   */
  bot.skills.awaitDrops = async (position, expectDrops, settleMs = config.dropSettleMs) => {
    const center = position.offset(0.5, 0.5, 0.5)
    if (expectDrops && !itemsNear(center, 2.5).length) {
      await waitForEvent(bot, 'itemDrop', settleMs, 'PickupTimeout', { what: 'drops to appear' },
        entity => entity.position.distanceTo(center) <= 2.5).catch(() => {})
    }
    return itemsNear(center, 2.5)
  }

  /** Collect item entities within `radius` of `position`; resolves with how many were left behind. */
  bot.skills.pickUp = async (position, radius = 3) => {
    let left = 0
    const movements = walkMovements(bot) // a drop in a hole may need a step dug to reach it
    const searchRadius = bot.pathfinder.searchRadius
    for (const entity of itemsNear(position, radius)) {
      if (!bot.entities[entity.id]) continue // already collected
      const gone = waitForEvent(bot, 'entityGone', config.pickupTimeoutMs, 'PickupTimeout',
        { what: 'item pickup', item: entity.getDroppedItem?.()?.name ?? null }, e => e.id === entity.id)
      gone.catch(() => {}) // awaited below; do not let an early rejection go unhandled
      try {
        if (bot.entity.position.distanceTo(entity.position) > PICKUP_RANGE) {
          bot.pathfinder.setMovements(movements)
          bot.pathfinder.searchRadius = 12 // a drop is close: do not let a failing search roam the world
          const goal = new goals.GoalNear(entity.position.x, entity.position.y, entity.position.z, 1.5)
          await withTimeout(bot.pathfinder.goto(goal), config.pickupTimeoutMs, 'PathTimeout',
            { what: 'walking to a dropped item' }, () => bot.pathfinder.stop())
        }
        await gone
      } catch (err) {
        left += 1
        console.error(`[pickup] left ${entity.getDroppedItem?.()?.name ?? 'an item'} at ${entity.position}: ${err.name}: ${err.message}`)
      } finally {
        bot.pathfinder.searchRadius = searchRadius
      }
    }
    return left
  }
}

module.exports = { inject }
