/** A 3x2 red PNG (written with pngjs), for tests that serve or show an image. */
export const RED_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAAE0lEQVR4AWM8ISfynwEKmBiQAAAuXAH9h+of2AAAAABJRU5ErkJggg==',
  'base64',
)
