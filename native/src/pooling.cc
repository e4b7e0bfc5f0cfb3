#include "pooling.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace convlens {

int64_t poolInputElements(const PoolGeometry& g) {
  return int64_t(g.batch) * g.inHeight * g.inWidth * g.channels;
}

int64_t poolOutputElements(const PoolGeometry& g) {
  return int64_t(g.batch) * g.outHeight * g.outWidth * g.channels;
}

void maxPoolBackward(const PoolGeometry& g, const float* dy, const float* x, float* dx) {
  std::memset(dx, 0, sizeof(float) * poolInputElements(g));
  const int32_t C = g.channels;
  const int64_t rowStride = int64_t(g.inWidth) * C;
  const int64_t imageStride = int64_t(g.inHeight) * rowStride;
  // Per window, the best value and its offset for every channel. Scanning the window
  // position by position keeps the channel loop contiguous in NHWC memory (and vectorisable).
  // int32 offsets within one image and restrict-qualified pointers let the compiler turn the
  // compare-and-keep below into vector selects; as branches it mispredicts on real data (5x slower).
  std::vector<float> bestStore(C);
  std::vector<int32_t> whereStore(C);
  float* __restrict best = bestStore.data();
  int32_t* __restrict where = whereStore.data();
  for (int32_t b = 0; b < g.batch; ++b) {
    const float* image = x + b * imageStride;
    float* dImage = dx + b * imageStride;
    for (int32_t oy = 0; oy < g.outHeight; ++oy) {
      const int32_t yStart = std::max(oy * g.strideHeight - g.padTop, 0);
      const int32_t yEnd = std::min(oy * g.strideHeight - g.padTop + g.filterHeight, g.inHeight);
      for (int32_t ox = 0; ox < g.outWidth; ++ox) {
        const int32_t xStart = std::max(ox * g.strideWidth - g.padLeft, 0);
        const int32_t xEnd = std::min(ox * g.strideWidth - g.padLeft + g.filterWidth, g.inWidth);
        const float* dyCell = dy + ((int64_t(b) * g.outHeight + oy) * g.outWidth + ox) * C;
        // Padded positions never win; a window with no input position (cannot happen with
        // TF's pads) sends its gradient nowhere.
        if (yStart >= yEnd || xStart >= xEnd) continue;
        // The first position in row-major order starts as the maximum; later ones replace it
        // only when strictly greater: ties keep the first maximum, as TF does.
        const int32_t first = int32_t(yStart * rowStride + int64_t(xStart) * C);
        for (int32_t c = 0; c < C; ++c) {
          best[c] = image[first + c];
          where[c] = first + c;
        }
        for (int32_t iy = yStart; iy < yEnd; ++iy) {
          for (int32_t ix = (iy == yStart ? xStart + 1 : xStart); ix < xEnd; ++ix) {
            const int32_t at = int32_t(iy * rowStride + int64_t(ix) * C);
            const float* __restrict row = image + at;
            for (int32_t c = 0; c < C; ++c) {
              // Written as masks, not ternaries: GCC vectorises this form and not the other.
              const float v = row[c];
              const int32_t keep = -int32_t(v > best[c]);  // all ones where v wins
              best[c] = v > best[c] ? v : best[c];
              where[c] = (where[c] & ~keep) | ((at + c) & keep);
            }
          }
        }
        for (int32_t c = 0; c < C; ++c) dImage[where[c]] += dyCell[c];
      }
    }
  }
}

}  // namespace convlens
