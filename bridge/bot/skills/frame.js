'use strict'
// frame(width, height, display): the bot's first-person view as a PNG, rendered headless with the game's own
// textures by prismarine-viewer (three.js on headless-gl, through node-canvas-webgl).
//
// Those packages are the optional Node package bridge/viewer (a native build: see bridge/README.md, "Frames"),
// loaded from that folder (or $ADAM_VIEWER_DIR) at the first call only, so the bot runs without them. headless-gl
// needs an X display: `display` (":N", e.g. an Xvfb the Python client started) is used when the process has no
// DISPLAY of its own. Without the packages or a display the skill throws ViewerUnavailable saying what to do.
//
// The scene is kept between calls: the chunks around the bot are meshed once by prismarine-viewer's workers
// and updated as blocks change and the bot moves; each call waits (at most frameTimeoutMs) until no chunk
// section is waiting for its mesh, puts the camera at the bot's eye, renders and encodes the PNG.

const path = require('path')
const { createRequire } = require('module')
const { Worker } = require('worker_threads')
const { BridgeError } = require('../errors')
const { Vec3 } = require('vec3')
const { withTimeout, waitUntil } = require('../wait')

const VIEWER_DIR = path.resolve(__dirname, '..', '..', 'viewer')
const INSTALL = 'apt-get install $(cat bridge/viewer/debian-packages.txt), then `cd bridge/viewer && npm_config_nodedir=/usr npm ci`'
const MAX_SIDE = 2048
const VIEW_DISTANCE = 4 // chunks, as the local server's view-distance
const DISPLAY_NAME = /^:\d{1,5}(\.\d{1,3})?$/
const POLL_MS = 10

function unavailable (message, context = {}) {
  return new BridgeError('ViewerUnavailable', message, context)
}

/** The viewer's modules, required from `dir` (bridge/viewer or $ADAM_VIEWER_DIR); ViewerUnavailable if absent. */
function loadModules (dir) {
  const need = createRequire(path.join(dir, 'package.json'))
  try {
    need.resolve('prismarine-viewer/viewer')
    need.resolve('node-canvas-webgl/lib')
  } catch (err) {
    throw unavailable(`prismarine-viewer is not installed in ${dir}: ${INSTALL}`, { viewerDir: dir })
  }
  try {
    return {
      THREE: need('three'),
      createCanvas: need('node-canvas-webgl/lib').createCanvas,
      ...need('prismarine-viewer/viewer')
    }
  } catch (err) { // installed, but a native module (canvas, gl) did not build or load
    throw unavailable(`the viewer packages in ${dir} do not load (${err.message}): reinstall them: ${INSTALL}`, { viewerDir: dir })
  }
}

/** Resolve once `condition()` holds, checking every POLL_MS, at most `ms` (for state with no event to wait on). */
function poll (condition, ms, name, context) {
  let timer
  const met = new Promise(resolve => {
    const check = () => (condition() ? resolve() : (timer = setTimeout(check, POLL_MS)))
    check()
  })
  return withTimeout(met, ms, name, context, () => clearTimeout(timer))
}

/** One scene of the bot's surroundings, kept between calls, and one canvas resized to each frame asked for. */
async function createScene (bot, config, display) {
  const viewerDir = process.env.ADAM_VIEWER_DIR || VIEWER_DIR
  const modules = loadModules(viewerDir)
  if (!process.env.DISPLAY && display) process.env.DISPLAY = display // read by headless-gl when it opens its context
  if (!process.env.DISPLAY) {
    throw unavailable('headless GL needs an X display: set DISPLAY, or install Xvfb (the Python client starts one): apt-get install xvfb', {})
  }
  const { THREE, createCanvas, Viewer, WorldView } = modules
  const canvas = createCanvas(1, 1)
  let renderer
  try {
    renderer = new THREE.WebGLRenderer({ canvas })
  } catch (err) {
    throw unavailable(`no WebGL context on display ${process.env.DISPLAY} (${err.message}): is the X server running?`, { display: process.env.DISPLAY })
  }
  // prismarine-viewer's world renderer meshes chunks in workers it creates with the browser's global Worker
  globalThis.Worker = globalThis.Worker ?? Worker
  const viewer = new Viewer(renderer)
  const worldView = new WorldView(bot.world, VIEW_DISTANCE, bot.entity.position)
  try {
    if (!viewer.setVersion(bot.version)) throw unavailable(`prismarine-viewer has no textures for Minecraft ${bot.version}`, { version: bot.version })
    const material = viewer.world.material
    const context = { what: 'loading the viewer textures', version: viewer.version }
    await poll(() => Boolean(material.map), config.frameTimeoutMs, 'FrameTimeout', context)
    worldView.on('loadChunk', ({ x, z, chunk }) => viewer.addColumn(x, z, chunk))
    worldView.on('unloadChunk', ({ x, z }) => viewer.removeColumn(x, z))
    worldView.on('blockUpdate', ({ pos, stateId }) => viewer.setBlockStateId(pos, stateId))
    worldView.listenToBot(bot) // chunk loads and block updates as they arrive (entities are not drawn)
    // right after spawning the server may still be sending the chunks around the bot: draw none half-received
    await withTimeout(bot.waitForChunksToLoad(), config.frameTimeoutMs, 'FrameTimeout', { what: 'receiving the chunks around the bot' })
    await withTimeout(worldView.init(bot.entity.position), config.frameTimeoutMs, 'FrameTimeout', { what: 'loading the chunks around the bot' })
  } catch (err) { // a later call starts again from nothing: leave no workers or listeners behind
    if (worldView.listeners[bot.username]) worldView.removeListenersFromBot(bot)
    for (const worker of viewer.world.workers) worker.terminate()
    renderer.dispose()
    throw err
  }
  return { canvas, renderer, viewer, worldView, meshedColumns: new Set() }
}

async function render (bot, config, scene, width, height) {
  const { canvas, renderer, viewer, worldView } = scene
  const started = Date.now()
  const feet = bot.entity.position
  await withTimeout(worldView.updatePosition(feet), config.frameTimeoutMs, 'FrameTimeout', { what: 'loading the chunks around the bot' })
  const world = viewer.world
  const meshed = () => world.sectionsOutstanding.size === 0
  const waitMeshed = () => meshed() ? Promise.resolve() : waitUntil(world.renderUpdateEmitter, 'update', meshed, config.frameTimeoutMs, 'FrameTimeout', { what: 'meshing the chunks around the bot', sections: world.sectionsOutstanding.size })
  await waitMeshed()
  // prismarine-viewer's count of outstanding sections can reach zero too early: a section marked dirty
  // while its column had not reached the worker yet is reported finished (empty) while its real mesh is
  // still on the way. Columns new since the last frame are meshed once more, now that every worker has them.
  for (const key of scene.meshedColumns) if (!worldView.loadedChunks[key]) scene.meshedColumns.delete(key) // unloaded
  const fresh = Object.keys(worldView.loadedChunks).filter(key => !scene.meshedColumns.has(key))
  if (fresh.length) {
    for (const key of fresh) {
      const [x, z] = key.split(',').map(Number)
      for (let y = 0; y < 256; y += 16) world.setSectionDirty(new Vec3(x, y, z))
      scene.meshedColumns.add(key)
    }
    await waitMeshed()
  }
  if (canvas.width !== width || canvas.height !== height) renderer.setSize(width, height, false)
  const camera = viewer.camera
  camera.aspect = width / height
  camera.updateProjectionMatrix()
  camera.position.set(feet.x, feet.y + bot.entity.eyeHeight, feet.z) // at once: no tween as in the browser viewer
  camera.rotation.set(bot.entity.pitch, bot.entity.yaw, 0, 'ZYX')
  renderer.render(viewer.scene, camera)
  const png = canvas.toBuffer('image/png', { compressionLevel: 3 })
  return {
    png: png.toString('base64'),
    width,
    height,
    renderMs: Date.now() - started,
    chunks: Object.keys(worldView.loadedChunks).length
  }
}

function inject (bot, config) {
  bot.skills = bot.skills ?? {}
  let scene = null

  bot.skills.frame = async ({ width = 160, height = 120, display = null }) => {
    for (const [name, value] of Object.entries({ width, height })) {
      if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) throw new BridgeError('BadRequest', `${name} must be an integer in 1..${MAX_SIDE}`, { [name]: value })
    }
    if (display !== null && (typeof display !== 'string' || !DISPLAY_NAME.test(display))) {
      throw new BridgeError('BadRequest', 'display must be a local X display name like ":99"', { display })
    }
    scene = scene ?? await createScene(bot, config, display)
    return render(bot, config, scene, width, height)
  }
}

module.exports = { inject }
