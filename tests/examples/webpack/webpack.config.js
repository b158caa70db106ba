import path from 'node:path';
import { fileURLToPath } from 'node:url';
import HtmlWebpackPlugin from 'html-webpack-plugin';

const here = path.dirname(fileURLToPath(import.meta.url));

// webpack 5 needs no plugin for wasmpool: new URL('…', import.meta.url) in the
// package becomes an emitted file (the .wasm) or a worker chunk. The page
// must still be served cross-origin isolated (COOP/COEP headers).
export default {
  mode: 'production',
  entry: './src/smoke-app.js',
  output: {
    path: path.join(here, 'dist'),
    filename: '[name].[contenthash].js',
    clean: true,
  },
  plugins: [new HtmlWebpackPlugin({ template: './src/index.html' })],
  performance: { hints: false },
};
