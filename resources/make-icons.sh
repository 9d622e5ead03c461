#!/bin/sh
# Regenerates the app icons from icon.svg.
# Needs rsvg-convert (librsvg2-bin), ImageMagick's convert (imagemagick) and png2icns (icnsutils).
set -e
cd "$(dirname "$0")"
for s in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$s" -h "$s" icon.svg -o "icons/${s}x${s}.png"
done
cp icons/512x512.png icon.png
convert icons/16x16.png icons/24x24.png icons/32x32.png icons/48x48.png icons/64x64.png \
  icons/128x128.png icons/256x256.png icon.ico
png2icns icon.icns icons/16x16.png icons/32x32.png icons/48x48.png icons/128x128.png \
  icons/256x256.png icons/512x512.png icons/1024x1024.png
