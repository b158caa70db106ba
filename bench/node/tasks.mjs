// The tiny task of the Node.js bench, as a module every pool's worker imports:
// wasmpool (by name), piscina and tinypool (named exports).
export function identity(x) {
  return x;
}
export default identity;
