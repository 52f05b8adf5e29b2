'use strict'
// Server-authoritative window clicks: the server applies a client's window_click to its own copy of the
// window (prismarine-windows' click rules), handles output slots (crafting result, furnace output) the
// vanilla way, then tells the client every slot it got wrong, or re-sends the whole window.

/**
 * Click handling for one registry.
 * `rules` per window kind: { outputSlot, gridSlots, onOutputTaken(window), onGridChanged(window) }.
 */
function clickHandler (serv, sync) {
  const { Item } = sync

  /** Throw items out of the player's hand as item entities (picked up again after the pickup delay). */
  function toss (player, item, count) {
    const at = player.position.offset(0, 1.2, 0)
    for (let i = 0; i < count; i++) {
      serv.spawnObject(serv.registry.entitiesByName.item.id, player.world, at, {
        itemId: item.type, itemCount: 1, pickupTime: 2000, deathTime: 5 * 60 * 1000
      })
    }
  }

  /** Apply a click to `window`; returns false when the click is refused (nothing changes). */
  function apply (player, window, packet, rules) {
    const { slot, mouseButton, mode } = packet
    if (slot === rules.outputSlot) {
      if (mode !== 0) return false // shift/number/drop on an output slot: not supported
      const result = window.slots[slot]
      if (!result) return true
      const cursor = window.selectedItem
      if (!cursor) window.selectedItem = sync.clone(result)
      else if (cursor.type === result.type && cursor.count + result.count <= cursor.stackSize) cursor.count += result.count
      else return true // vanilla: a different item in the cursor takes nothing
      window.updateSlot(slot, null)
      rules.onOutputTaken?.(window)
      return true
    }
    if (slot === -999) { // click outside the window: drop the cursor (all, or one with the right button)
      if (mode !== 0 || !window.selectedItem) return mode === 0
      const count = mouseButton === 0 ? window.selectedItem.count : 1
      toss(player, window.selectedItem, count)
      window.selectedItem.count -= count
      if (window.selectedItem.count <= 0) window.selectedItem = null
      return true
    }
    if (slot < 0 || slot >= window.slots.length) return false
    if (mode === 4) { // Q on a slot: drop one, or the stack with ctrl
      const item = window.slots[slot]
      if (!item) return true
      const count = mouseButton === 0 ? 1 : item.count
      toss(player, item, count)
      item.count -= count
      window.updateSlot(slot, item.count > 0 ? item : null)
      return true
    }
    if (![0, 1, 2].includes(mode)) return false // drag and double-click are not supported
    try {
      window.acceptClick({ slot, mouseButton, mode, item: window.slots[slot] ?? null })
    } catch (err) {
      serv.debug?.(`refused click ${JSON.stringify({ slot, mouseButton, mode })}: ${err.message}`)
      return false
    }
    return true
  }

  /**
   * Handle one window_click on `window` (sent to the client as `windowId`): apply it, run the grid
   * rules, then send the client the slots whose server state differs from what it predicted.
   */
  function handle (player, window, windowId, packet, rules) {
    const before = sync.snapshot(window)
    const gridBefore = (rules.gridSlots ?? []).map(i => before[i]).join('|')
    const accepted = apply(player, window, packet, rules)
    if (!accepted) {
      sync.sendWindow(player, window, windowId)
      return
    }
    const gridChanged = (rules.gridSlots ?? []).map(i => sync.key(window.slots[i])).join('|') !== gridBefore
    if (gridChanged) rules.onGridChanged?.(window)
    const after = sync.snapshot(window)
    const predicted = [...before]
    for (const { location, item } of packet.changedSlots ?? []) {
      if (location >= 0 && location < predicted.length) predicted[location] = sync.keyOfNotch(item)
    }
    if (sync.keyOfNotch(packet.cursorItem) !== sync.key(window.selectedItem)) {
      sync.sendWindow(player, window, windowId)
      return
    }
    for (let i = 0; i < after.length; i++) {
      const forced = gridChanged && i === rules.outputSlot // vanilla re-sends the result on every grid change
      if (after[i] !== predicted[i] || forced) sync.sendSlot(player, windowId, i, window.slots[i])
    }
  }

  return { handle, toss, Item }
}

module.exports = { clickHandler }
