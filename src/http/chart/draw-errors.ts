// The chart errors the HTTP edge tells apart, in a module of their own: the route and the drawer
// import them without loading Chart.js and @napi-rs/canvas, which only the draw worker thread loads.

/** Why a chart could not be drawn because of what the config asks for (a 400, not a crash). */
export class ChartDrawError extends Error {}

/** The machine has no fonts, so a chart would lose every label and number (a 503 until one is installed). */
export class ChartFontsError extends Error {}
