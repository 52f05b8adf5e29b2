'use strict'
// The helpers every window plugin shares, created once per server.

const { windowSync } = require('./sync')
const { clickHandler } = require('./clicks')
const { containerWindows } = require('./containers')
const { recipeBook } = require('./recipes')

/** { sync, clicks, containers, recipes } for a flying-squid server (memoised on it). */
function services (serv) {
  if (!serv.adamServices) {
    const sync = windowSync(serv.registry)
    const clicks = clickHandler(serv, sync)
    serv.adamServices = { sync, clicks, containers: containerWindows(serv, sync, clicks), recipes: recipeBook(serv.registry) }
  }
  return serv.adamServices
}

/** Crafting-grid rules for a window whose result is slot 0 and grid slots 1..w*h (row-major). */
function craftingRules (recipes, sync, width) {
  const gridSlots = Array.from({ length: width * width }, (_, i) => i + 1)
  const recompute = window => {
    const match = recipes.match(gridSlots.map(i => window.slots[i]?.type ?? null), width, width)
    window.updateSlot(0, match ? new sync.Item(match.id, match.count) : null)
  }
  return {
    outputSlot: 0,
    gridSlots,
    onGridChanged: recompute,
    onOutputTaken (window) {
      for (const i of gridSlots) {
        const item = window.slots[i]
        if (!item) continue
        item.count -= 1
        window.updateSlot(i, item.count > 0 ? item : null)
      }
      recompute(window)
    }
  }
}

module.exports = { services, craftingRules }
