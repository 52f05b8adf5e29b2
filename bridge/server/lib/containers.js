'use strict'
// Container windows opened by a block (crafting table, furnace): open_window + window_items, the
// player's inventory mirrored into the window's inventory slots, clicks made server-authoritative, and
// close_window returning what is left in the cursor to the inventory.

/** Container window management for one server. */
function containerWindows (serv, sync, clicks) {
  const windows = require('prismarine-windows')(serv.registry)

  function copyInventoryIn (player, window) {
    for (let i = 0; i < 36; i++) {
      const item = sync.clone(player.inventory.slots[9 + i])
      if (item) item.slot = window.inventoryStart + i
      window.slots[window.inventoryStart + i] = item
    }
  }

  function copyInventoryOut (player, window) {
    for (let i = 0; i < 36; i++) {
      const item = sync.clone(window.slots[window.inventoryStart + i])
      if (item) item.slot = 9 + i
      player.inventory.slots[9 + i] = item // silent: the client mirrors its own view back on close
    }
  }

  /** Put an item into the player's inventory (stacking first), or drop it at their feet if full. */
  function giveBack (player, item) {
    if (!item || item.count <= 0) return
    let left = item.count
    for (let slot = 9; slot < 45 && left > 0; slot++) {
      const have = player.inventory.slots[slot]
      if (have && have.type === item.type && have.count < have.stackSize) {
        const moved = Math.min(left, have.stackSize - have.count)
        have.count += moved
        left -= moved
        player.inventory.updateSlot(slot, have)
      }
    }
    while (left > 0) {
      const slot = player.inventory.firstEmptyInventorySlot()
      if (slot === null || slot === undefined) {
        clicks.toss(player, item, left)
        return
      }
      const moved = Math.min(left, item.stackSize)
      player.inventory.updateSlot(slot, new sync.Item(item.type, moved, item.metadata, item.nbt))
      left -= moved
    }
  }

  /**
   * Open a window of `type` ('minecraft:crafting', 'minecraft:furnace') for a player.
   * spec: { title, fill(window), rules (see lib/clicks.js), afterClick(window), onClose(window) }.
   */
  function open (player, type, spec) {
    close(player)
    player.adamWindowCounter = ((player.adamWindowCounter ?? 0) % 100) + 1
    const windowId = player.adamWindowCounter
    const window = windows.createWindow(windowId, type, spec.title)
    spec.fill?.(window)
    copyInventoryIn(player, window)
    player._client.write('open_window', {
      windowId,
      inventoryType: windows.windows[type].type,
      windowTitle: serv._createChatComponent(spec.title).toNetworkFormat()
    })
    sync.sendWindow(player, window)
    player.adamContainer = { window, windowId, spec }
    return player.adamContainer
  }

  /** Close the player's open container (client- or server-initiated). */
  function close (player, notifyClient = false) {
    const open = player.adamContainer
    if (!open) return
    player.adamContainer = null
    copyInventoryOut(player, open.window)
    open.spec.onClose?.(open.window)
    const cursor = open.window.selectedItem
    open.window.selectedItem = null
    giveBack(player, cursor)
    if (notifyClient) player._client.write('close_window', { windowId: open.windowId })
  }

  function onClick (player, packet) {
    const open = player.adamContainer
    if (!open || open.windowId !== packet.windowId) return false
    copyInventoryIn(player, open.window)
    clicks.handle(player, open.window, open.windowId, packet, open.spec.rules ?? {})
    copyInventoryOut(player, open.window)
    open.spec.afterClick?.(open.window)
    return true
  }

  /** Players who have a window of this spec's key (e.g. a furnace position) open. */
  const viewers = (players, keyOf) => players.filter(p => p.adamContainer && p.adamContainer.spec.key === keyOf)

  return { open, close, onClick, giveBack, viewers }
}

module.exports = { containerWindows }
